import { createParamDecorator, ExecutionContext } from '@nestjs/common';
import { GqlContextType, GqlExecutionContext } from '@nestjs/graphql';
import { Principal } from './principal';

/** Caller injects the authenticated caller the AccessGuard left on the request; it throws where no guard ran. */
export const Caller = createParamDecorator((_: unknown, context: ExecutionContext): Principal => {
  const holder: { principal?: Principal } =
    context.getType<GqlContextType>() === 'graphql'
      ? GqlExecutionContext.create(context).getContext()
      : context.switchToHttp().getRequest();
  if (!holder.principal) throw new Error('no authenticated caller: the method has no capability-checked declaration');
  return holder.principal;
});
