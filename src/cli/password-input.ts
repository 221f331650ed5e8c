/**
 * Where `tmon user add|passwd` take the password from: `--password PW` (kept
 * for scripts, though it lands in shell history and in `ps`), else one line
 * of stdin with `--password-stdin`, else a prompt on the terminal, twice and
 * not echoed. Without a terminal and without either flag there is nobody to
 * ask: a usage error says what to pass.
 */
import { CommandFailed, UsageError } from './args.js';
import { type PromptInput, type PromptOutput, promptHidden } from './hidden-prompt.js';

export const PASSWORD_OPTIONS = {
  password: { type: 'string' },
  'password-stdin': { type: 'boolean' },
} as const;

export interface PasswordStreams {
  input: PromptInput & { isTTY?: boolean };
  /** where the prompts go: stderr, so that stdout stays the command's answer (--json) */
  output: PromptOutput;
}

export async function passwordFrom(
  values: { password?: string | boolean; 'password-stdin'?: string | boolean },
  userName: string,
  streams: PasswordStreams = { input: process.stdin, output: process.stderr },
): Promise<string> {
  const fromStdin = values['password-stdin'] === true;
  if (typeof values.password === 'string') {
    if (fromStdin) throw new UsageError('give --password or --password-stdin, not both');
    return values.password;
  }
  if (fromStdin) return firstLine(streams.input);
  if (streams.input.isTTY !== true) {
    throw new UsageError('--password-stdin (or --password PW) is needed when stdin is not a terminal');
  }
  const password = await promptHidden(`password for ${userName}: `, streams.input, streams.output);
  const again = await promptHidden('the same again: ', streams.input, streams.output);
  if (password !== again) throw new CommandFailed('the two passwords differ: nothing was changed');
  return password;
}

/** The first line of the stream (without its line ending); the rest is left unread. */
function firstLine(input: PromptInput): Promise<string> {
  input.setEncoding('utf8');
  return new Promise((resolve, reject) => {
    let text = '';
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.pause();
      outcome();
    };
    const onData = (chunk: string) => {
      text += chunk;
      const newline = text.indexOf('\n');
      if (newline >= 0) finish(() => resolve(text.slice(0, newline).replace(/\r$/, '')));
    };
    const onEnd = () =>
      finish(() =>
        text === '' ? reject(new CommandFailed('--password-stdin: stdin was empty')) : resolve(text.replace(/\r$/, '')),
      );
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
