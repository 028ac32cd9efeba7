import { GraphQLError, Kind, visit, type DocumentNode, type ValueNode } from 'graphql';
import type { Plugin } from 'graphql-yoga';
import { isUnstorableText, UNSTORABLE_TEXT_WORDS } from '../lib/validate.js';
import { refused } from './refused.js';

/**
 * Bulk inputs check their items one by one (an event or a spend entry with such text is refused alone, the rest
 * of the batch kept), so their arguments are left to them.
 */
const CHECKED_PER_ITEM = new Set(['ingestEvents', 'recordMarketingSpend']);

interface DocumentTexts {
  /** Variables used outside the bulk inputs: their values are looked through. */
  variables: readonly string[];
  /** A string literal in the document PostgreSQL could not store. */
  unstorableLiteral: boolean;
}

const seen = new WeakMap<DocumentNode, DocumentTexts>();

function textsOf(document: DocumentNode): DocumentTexts {
  let texts = seen.get(document);
  if (texts) return texts;
  const variables = new Set<string>();
  let unstorableLiteral = false;
  const walk = (value: ValueNode): void => {
    if (value.kind === Kind.VARIABLE) variables.add(value.name.value);
    else if (value.kind === Kind.STRING) unstorableLiteral ||= isUnstorableText(value.value);
    else if (value.kind === Kind.LIST) value.values.forEach(walk);
    else if (value.kind === Kind.OBJECT) value.fields.forEach((field) => walk(field.value));
  };
  visit(document, {
    Field(node) {
      if (!CHECKED_PER_ITEM.has(node.name.value)) node.arguments?.forEach((argument) => walk(argument.value));
    },
    VariableDefinition(node) {
      if (node.defaultValue) walk(node.defaultValue);
    },
  });
  texts = { variables: [...variables], unstorableLiteral };
  seen.set(document, texts);
  return texts;
}

/**
 * No input type of the schema nests this deep; a body that does is refused by GraphQL's own coercion, which
 * runs after this guard, so deeper levels are not looked at (recursing into them could overflow the stack).
 */
const MAX_DEPTH = 32;

/** The path of the first string PostgreSQL could not store in a variable's value, or null. */
function unstorablePath(value: unknown, path: string, depth = 0): string | null {
  if (typeof value === 'string') return isUnstorableText(value) ? path : null;
  if (depth >= MAX_DEPTH) return null;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) {
      const found = unstorablePath(value[i], `${path}.${i}`, depth + 1);
      if (found) return found;
    }
  } else if (value !== null && typeof value === 'object') {
    for (const [key, item] of Object.entries(value)) {
      const found = unstorablePath(item, `${path}.${key}`, depth + 1);
      if (found) return found;
    }
  }
  return null;
}

function refusal(where: string): GraphQLError {
  // Its own sentence: "Text must be text …" said the same thing twice.
  return refused('BAD_USER_INPUT', {
    en: `${where.startsWith('$') ? where : where[0]!.toUpperCase() + where.slice(1)} holds text PostgreSQL cannot store: a NUL character (U+0000) or an unpaired surrogate`,
    zh: `文本${UNSTORABLE_TEXT_WORDS.zh}：${where}`,
  });
}

/**
 * Refuses an operation whose text arguments carry U+0000 or an unpaired surrogate before it runs.
 * PostgreSQL's text and jsonb cannot hold them, so such a name, note, URL or filter failed its statement
 * as an unexpected error (and in a shared statement, everything with it). Checked once per request over the arguments, whatever
 * field they go to; documents are looked through once (the parse cache hands back the same object).
 */
export function useStorableTextGuard(): Plugin {
  const check = (document: DocumentNode, variableValues: Record<string, unknown> | null | undefined): GraphQLError | null => {
    const texts = textsOf(document);
    if (texts.unstorableLiteral) return refusal('a string in the document');
    for (const name of texts.variables) {
      const found = unstorablePath(variableValues?.[name], `$${name}`);
      if (found) return refusal(found);
    }
    return null;
  };
  return {
    onExecute({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
    onSubscribe({ args, setResultAndStopExecution }) {
      const error = check(args.document, args.variableValues);
      if (error) setResultAndStopExecution({ errors: [error] });
    },
  };
}
