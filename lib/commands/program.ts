/**
 * The one argument parser of every command (commander). Help and usage errors go through
 * console.log / console.error, so callers running a command in-process capture them, and end in an
 * exit code instead of `process.exit`: 0 for `--help` and `--version`, 1 for a usage error.
 */
import { Command, CommanderError, InvalidArgumentError, OptionValues } from 'commander';
import { packageVersion } from '../version';

function configure(cmd: Command): Command {
  return cmd
    .exitOverride()
    .helpOption('-h, --help', 'print this help')
    .showHelpAfterError()
    .configureHelp({ styleTitle: (title) => title.toLowerCase() }) // "usage:", as mvlm's other messages
    .configureOutput({
      writeOut: (s) => console.log(s.replace(/\n$/, '')),
      writeErr: (s) => console.error(s.replace(/\n$/, '')),
    });
}

/** A command's parser, `name` as typed after `mvlm`, `summary` one line for the command list. */
export function commandParser(name: string, summary: string): Command {
  return configure(new Command(name).summary(summary).description(summary));
}

/** The `mvlm` program itself: `--version`, `help [COMMAND]`, and `commands` under it. */
export function mvlmProgram(commands: Command[]): Command {
  const root = configure(new Command('mvlm'))
    .usage('<command> [options]')
    .description('masked vision-language modeling on TensorFlow.js')
    .version(packageVersion(), '-V, --version', 'print the mvlm version')
    .enablePositionalOptions(); // options after the command name belong to the command
  for (const c of commands) root.addCommand(c);
  // commander's own help command shows mvlm's help for an unknown name; this one refuses it
  const help = commandParser('help', "print a command's help").argument('[command...]', 'a command, and a subcommand of it (use tiny)');
  root.addCommand(runs(help, async (_options, words) => {
    let target: Command | undefined = root;
    for (const word of words) target = target?.commands.find((c) => c.name() === word);
    if (!target) return root.error(`error: unknown command '${words.join(' ')}'`, { code: 'commander.unknownCommand' });
    target.outputHelp();
    return 0;
  })).helpCommand(false);
  return root;
}

const exitCodes = new WeakMap<Command, number>();

function rootOf(cmd: Command): Command {
  return cmd.parent ? rootOf(cmd.parent) : cmd;
}

/** Make `run(options, operands)` the action of `cmd`; its result becomes the exit code of `runProgram`. */
export function runs<O extends OptionValues>(cmd: Command, run: (options: O, operands: string[]) => Promise<number>): Command {
  return cmd.action(async (...args: unknown[]) => {
    const self = args[args.length - 1] as Command;
    exitCodes.set(rootOf(self), await run(self.opts<O>(), self.args));
  });
}

/** Parse `argv` (after `mvlm`) and run the selected command; help and usage errors return their exit code. */
export async function runProgram(root: Command, argv: string[]): Promise<number> {
  try {
    await root.parseAsync(argv, { from: 'user' });
  } catch (e) {
    if (e instanceof CommanderError) return e.exitCode;
    throw e;
  }
  return exitCodes.get(root) ?? 0;
}

/** Run one command in-process with `args` after its name (as `mvlm NAME ...args` would). */
export function runCommand(cmd: Command, args: string[]): Promise<number> {
  return runProgram(mvlmProgram([cmd]), [cmd.name(), ...args]);
}

/** Option value parser: an integer, at least `min` when given. */
export function integer(min?: number): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isInteger(n)) throw new InvalidArgumentError('expected an integer.');
    if (min !== undefined && n < min) throw new InvalidArgumentError(`expected an integer >= ${min}.`);
    return n;
  };
}

/** Option value parser for repeatable options (`--set a=1 --set b=2`). */
export function collect(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}
