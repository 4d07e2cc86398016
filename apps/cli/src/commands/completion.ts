import { Command, Option } from 'commander';
import { act, Io } from '../context';

/** CommandNode is one command of the tree as completion sees it: its path, subcommands and flags. */
interface CommandNode {
  readonly path: string;
  readonly children: readonly { name: string; description: string }[];
  readonly flags: readonly string[];
}

function flagsOf(cmd: Command, inherited: readonly Option[]): string[] {
  const opts = [...cmd.options, ...inherited].filter((o) => !o.hidden);
  return [...new Set([...opts.flatMap((o) => [o.long, o.short].filter((f): f is string => !!f)), '--help'])];
}

/** commandTree flattens a commander program into every command path with its subcommands and flags. */
export function commandTree(program: Command): CommandNode[] {
  const globals = program.options.filter((o) => o.long !== '--version');
  const nodes: CommandNode[] = [];
  const walk = (cmd: Command, path: string): void => {
    const children = cmd.commands.map((c) => ({ name: c.name(), description: c.description() }));
    nodes.push({ path, children, flags: flagsOf(cmd, cmd === program ? [] : globals) });
    for (const c of cmd.commands) walk(c, path ? `${path} ${c.name()}` : c.name());
  };
  walk(program, '');
  return nodes;
}

function transitions(nodes: readonly CommandNode[]): string {
  return nodes.flatMap((n) => n.children.map((c) => `"${n.path}/${c.name}"`)).join('|');
}

/** bashCompletion is a bash script completing the program's commands and flags: `source <(mammoth completion bash)`. */
export function bashCompletion(program: Command): string {
  const name = program.name();
  const nodes = commandTree(program);
  const cases = nodes
    .map((n) => `    "${n.path}") words="${[...n.children.map((c) => c.name), ...n.flags].join(' ')}" ;;`)
    .join('\n');
  return `# ${name} completion for bash: source <(${name} completion bash)
_${name}() {
  local cur="\${COMP_WORDS[COMP_CWORD]}" node="" w words i
  for ((i = 1; i < COMP_CWORD; i++)); do
    w="\${COMP_WORDS[i]}"
    case "$node/$w" in
      ${transitions(nodes)}) node="\${node:+$node }$w" ;;
    esac
  done
  case "$node" in
${cases}
  esac
  COMPREPLY=($(compgen -W "$words" -- "$cur"))
}
complete -F _${name} ${name}
`;
}

function zshItem(name: string, description: string): string {
  return `'${`${name.replace(/:/g, '\\:')}:${description}`.replace(/'/g, "'\\''")}'`;
}

/** zshCompletion is a zsh script completing the program's commands (with descriptions) and flags: `source <(mammoth completion zsh)`. */
export function zshCompletion(program: Command): string {
  const name = program.name();
  const nodes = commandTree(program);
  const cases = nodes
    .map((n) => {
      const cmds = n.children.map((c) => zshItem(c.name, c.description)).join(' ');
      return `    "${n.path}") cmds=(${cmds}); flags=(${n.flags.join(' ')}) ;;`;
    })
    .join('\n');
  return `#compdef ${name}
# ${name} completion for zsh: source <(${name} completion zsh)
_${name}() {
  local node="" w
  local -a cmds flags
  for w in "\${(@)words[2,CURRENT-1]}"; do
    case "$node/$w" in
      ${transitions(nodes)}) node="\${node:+$node }$w" ;;
    esac
  done
  case "$node" in
${cases}
  esac
  if [[ "$PREFIX" == -* ]]; then
    compadd -- "\${flags[@]}"
  else
    _describe -t commands '${name} command' cmds
  fi
}
compdef _${name} ${name}
`;
}

/** completionCommand is `mammoth completion bash|zsh`: prints the shell completion script. */
export function completionCommand(io: Io, program: Command): Command {
  return new Command('completion')
    .description('Print a shell completion script: source <(mammoth completion bash), or zsh')
    .addArgument(new Command().createArgument('<shell>', 'bash or zsh').choices(['bash', 'zsh']))
    .action(
      act(io, async (_ctx, cmd) => {
        io.out(cmd.args[0] === 'zsh' ? zshCompletion(program) : bashCompletion(program));
      }),
    );
}
