/**
 * Asks a question on a terminal and reads the answer without echoing it
 * (for passwords). The terminal is put in raw mode so no character is shown;
 * the few editing keys a user expects are handled here: Backspace, Ctrl-U,
 * Enter, and Ctrl-C / Ctrl-D to give up.
 */
import { CommandFailed } from './args.js';

/** What the prompt needs of stdin: a terminal (setRawMode) or, in tests, a stream that stands in for one. */
export interface PromptInput extends NodeJS.EventEmitter {
  setRawMode?(raw: boolean): unknown;
  resume(): unknown;
  pause(): unknown;
  setEncoding(encoding: BufferEncoding): unknown;
}

export interface PromptOutput {
  write(text: string): unknown;
}

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const CTRL_U = '\u0015';
const BACKSPACE = new Set(['\u007f', '\b']);

export function promptHidden(question: string, input: PromptInput, output: PromptOutput): Promise<string> {
  // no echo before the question shows: what is typed once it is up must not appear on the screen
  input.setRawMode?.(true);
  input.setEncoding('utf8');
  output.write(question);
  return new Promise((resolve, reject) => {
    let answer = '';
    const finish = (outcome: () => void) => {
      input.off('data', onData);
      input.off('end', onEnd);
      input.setRawMode?.(false);
      input.pause();
      output.write('\n');
      outcome();
    };
    const onEnd = () => finish(() => reject(new CommandFailed('no password given (input ended)')));
    const onData = (chunk: string) => {
      for (const char of chunk) {
        if (ENTER.has(char)) return finish(() => resolve(answer));
        if (char === CTRL_C || (char === CTRL_D && answer === '')) {
          return finish(() => reject(new CommandFailed('cancelled')));
        }
        if (BACKSPACE.has(char)) answer = answer.slice(0, -1);
        else if (char === CTRL_U) answer = '';
        else if (char >= ' ') answer += char;
      }
    };
    input.on('data', onData);
    input.on('end', onEnd);
    input.resume();
  });
}
