import { ValidationError, ValidationPipe } from '@nestjs/common';
import { DomainError } from '@mammoth/domain';
import { DomainException } from './domain.exception';

/** inputValidationPipe validates every API input with class-validator and reports the first bad field by name. */
export function inputValidationPipe(): ValidationPipe {
  return new ValidationPipe({
    transform: true,
    forbidUnknownValues: false,
    exceptionFactory: (errors: ValidationError[]) => {
      const [path, reason] = firstViolation(errors, '');
      return new DomainException(DomainError.invalid(path, reason));
    },
  });
}

function firstViolation(errors: ValidationError[], prefix: string): [string, string] {
  const e = errors[0];
  // Array elements read as `constraints[0]`, the way decideApp names them.
  const path = /^\d+$/.test(e.property) ? `${prefix}[${e.property}]` : prefix ? `${prefix}.${e.property}` : e.property;
  if (e.constraints) return [path, Object.values(e.constraints)[0].replace(new RegExp(`^${e.property} `), '')];
  if (e.children?.length) return firstViolation(e.children, path);
  return [path, 'is invalid'];
}
