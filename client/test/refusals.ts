import { fireEvent, screen } from '@solidjs/testing-library';
import { HttpResponse } from 'msw';
import { expect } from 'vitest';

/** A GraphQL answer refusing the operation as the server words an expected failure: English, and its Chinese beside it. */
export const refusedAnswer = (message: string, messageZh: string, code = 'FORBIDDEN') => () =>
  HttpResponse.json<{ errors: { message: string; extensions: Record<string, string> }[] }>({ errors: [{ message, extensions: { code, reason: code, messageZh } }] });

/**
 * The alert on screen reads `zh`, then `en` (and nothing of `notInEnglish`) once the console's language
 * button is pressed, then `zh` again: a refusal shown follows the toggle instead of keeping its first words.
 */
export async function expectAlertFollowsToggle(zh: RegExp, en: RegExp, notInEnglish?: string) {
  expect(await screen.findByRole('alert')).toHaveTextContent(zh);
  fireEvent.click(screen.getByTestId('lang-toggle'));
  expect(screen.getByRole('alert')).toHaveTextContent(en);
  if (notInEnglish !== undefined) expect(screen.getByRole('alert')).not.toHaveTextContent(notInEnglish);
  fireEvent.click(screen.getByTestId('lang-toggle'));
  expect(screen.getByRole('alert')).toHaveTextContent(zh);
}
