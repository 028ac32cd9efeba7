/** Ctrl-C at a hidden prompt: raw mode swallows the signal, so it arrives as this instead. */
export class PromptInterrupted extends Error {
  override name = 'PromptInterrupted';
}

const ENTER = new Set(['\r', '\n']);
const CTRL_C = '\u0003';
const CTRL_D = '\u0004';
const BACKSPACE = new Set(['\u007f', '\b']);

/**
 * Asks on the terminal without echo (a password): the question goes to stderr so stdout stays for the
 * command's result. Raw mode is always restored, also on Ctrl-C. Only for a TTY stdin.
 */
export function promptHidden(question: string, stdin: NodeJS.ReadStream = process.stdin, out: NodeJS.WriteStream = process.stderr): Promise<string> {
  if (!stdin.isTTY) return Promise.reject(new Error('promptHidden needs a terminal'));
  out.write(question);
  stdin.setRawMode(true);
  stdin.setEncoding('utf8');
  stdin.resume();
  return new Promise((resolve, reject) => {
    let value = '';
    const finish = (settle: () => void) => {
      stdin.off('data', onData);
      stdin.setRawMode(false);
      stdin.pause();
      out.write('\n');
      settle();
    };
    const onData = (chunk: string) => {
      // Iterating code points: a pasted CJK or emoji character is one character, and backspace removes it whole.
      for (const ch of chunk) {
        if (ENTER.has(ch) || ch === CTRL_D) return finish(() => resolve(value));
        if (ch === CTRL_C) return finish(() => reject(new PromptInterrupted('interrupted')));
        if (BACKSPACE.has(ch)) value = [...value].slice(0, -1).join('');
        else if (ch >= ' ') value += ch;
      }
    };
    stdin.on('data', onData);
  });
}
