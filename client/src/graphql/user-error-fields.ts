import { graphql } from './graphql';

/**
 * A payload's refusal as the console says it: the English `message` and the Chinese beside it, so the language
 * toggle rewords it without asking again. Unmasked: mutationOutcome reads every field.
 */
export const UserErrorFields = graphql(`
  fragment UserErrorFields on UserError @_unmask {
    field
    code
    message
    messageZh: message(locale: ZH_CN)
  }
`);
