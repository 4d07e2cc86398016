import { CommanderError } from 'commander';
import { ApiError, ConnectionError } from '@mammoth/api-client';
import { CliError, describeError, exitCodeOf, UsageError } from './errors';

describe('errors', () => {
  it('print the API field and reason, and the flag that sets the field', () => {
    const err = new ApiError('memoryMiB: must not be less than 4', 'INVALID_ARGUMENT', 'memoryMiB', 'deployApp');
    expect(describeError(err)).toBe(
      'error: deployApp: memoryMiB: must not be less than 4 [INVALID_ARGUMENT, field memoryMiB (--memory)]',
    );
    expect(describeError(new ApiError('name: no app named x', 'NOT_FOUND', 'name', 'scaleApp'))).toBe(
      'error: scaleApp: name: no app named x [NOT_FOUND, field name]',
    );
  });

  it('exit 1 for API, connection and CLI errors, 2 for usage, 0 for help', () => {
    expect(exitCodeOf(new ApiError('x', 'NOT_FOUND'))).toBe(1);
    expect(exitCodeOf(new ConnectionError('http://x', 'ECONNREFUSED'))).toBe(1);
    expect(exitCodeOf(new CliError('timed out'))).toBe(1);
    expect(exitCodeOf(new UsageError('bad'))).toBe(2);
    expect(exitCodeOf(new CommanderError(1, 'commander.missingArgument', 'x'))).toBe(2);
    expect(exitCodeOf(new CommanderError(0, 'commander.helpDisplayed', 'x'))).toBe(0);
  });
});
