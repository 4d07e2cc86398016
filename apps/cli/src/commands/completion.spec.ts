import { execFileSync } from 'node:child_process';
import { buildProgram } from '../program';
import { MemoryIo } from '../testing/memory-io';
import { bashCompletion, commandTree, zshCompletion } from './completion';

const program = buildProgram(new MemoryIo());

/** complete runs the generated bash completion for a command line whose last word is being typed. */
function complete(...words: string[]): string[] {
  const script = `${bashCompletion(program)}
COMP_WORDS=(mammoth ${words.map((w) => `'${w}'`).join(' ')}); COMP_CWORD=${words.length}
_mammoth; printf '%s\\n' "\${COMPREPLY[@]}"`;
  return execFileSync('bash', ['-c', script], { encoding: 'utf8' }).split('\n').filter(Boolean);
}

describe('shell completion', () => {
  it('walks every command of the program', () => {
    const paths = commandTree(program).map((n) => n.path);
    expect(paths).toEqual(expect.arrayContaining(['', 'app', 'app deploy', 'node show', 'rollout status', 'events']));
  });

  it('completes commands, subcommands and their flags in bash', () => {
    expect(complete('ap')).toEqual(['app']);
    expect(complete('app', 'r')).toEqual(['rollback', 'rm']);
    expect(complete('app', 'deploy', '--health-')).toEqual(
      expect.arrayContaining(['--health-http', '--health-tcp', '--health-command']),
    );
    expect(complete('-o', 'json', 'rollout', 'status', 'web', '--w')).toEqual(['--watch']);
    expect(complete('events', '--f')).toEqual(['--follow']);
  });

  it('offers the global flags under subcommands', () => {
    expect(complete('node', 'ls', '--ad')).toEqual(['--addr']);
  });

  it('emits a zsh script with descriptions that defines and registers the function', () => {
    const zsh = zshCompletion(program);
    expect(zsh).toMatch(/^#compdef mammoth/);
    expect(zsh).toContain("'deploy:Deploy a package as an app (flags mirror the deployApp mutation)'");
    expect(zsh).toContain('compdef _mammoth mammoth');
  });
});
