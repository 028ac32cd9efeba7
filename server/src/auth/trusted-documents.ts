import { createHash } from 'node:crypto';
import { existsSync, readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { Kind, parse, print, visit, type DefinitionNode, type DocumentNode, type FragmentDefinitionNode } from 'graphql';
import { fromProjectRoot } from '../lib/project-root.js';

/**
 * Trusted documents: the operations the war room was built with. A screen key (trustedDocumentsOnly)
 * may run only these; partners keep arbitrary documents within the limits. The manifest is made at
 * build time from the client's `graphql(\`…\`)` sources and written beside the built screen.
 */
export const CLIENT_SRC = fromProjectRoot('client/src');
export const MANIFEST_PATH = fromProjectRoot('client/dist/trusted-documents.json');

/** The id of a document: SHA-256 of its definitions, each printed canonically, sorted. */
export function documentId(document: DocumentNode): string {
  const printed = document.definitions.map((d) => print(d)).sort();
  return createHash('sha256').update(printed.join('\n')).digest('hex');
}

function spreadsOf(definition: DefinitionNode): string[] {
  const names: string[] = [];
  visit(definition, { FragmentSpread: (node) => void names.push(node.name.value) });
  return names;
}

/** Every operation in the client's sources, each with the fragments it uses (as gql.tada sends them). */
export function extractTrustedDocuments(srcDir = CLIENT_SRC): Map<string, string> {
  const texts: string[] = [];
  const walk = (dir: string) => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (/\.(ts|tsx)$/.test(entry.name) && !/\.test\.tsx?$/.test(entry.name) && !entry.name.endsWith('.d.ts')) {
        for (const match of readFileSync(full, 'utf8').matchAll(/graphql\(\s*`([^`]*)`/g)) texts.push(match[1]!);
      }
    }
  };
  walk(srcDir);
  const fragments = new Map<string, FragmentDefinitionNode>();
  const operations: DefinitionNode[] = [];
  for (const text of texts) {
    for (const definition of parse(text).definitions) {
      if (definition.kind === Kind.FRAGMENT_DEFINITION) fragments.set(definition.name.value, definition);
      else operations.push(definition);
    }
  }
  const manifest = new Map<string, string>();
  for (const operation of operations) {
    const used = new Map<string, FragmentDefinitionNode>();
    const pending = spreadsOf(operation);
    while (pending.length > 0) {
      const name = pending.pop()!;
      const fragment = fragments.get(name);
      if (!fragment || used.has(name)) continue;
      used.set(name, fragment);
      pending.push(...spreadsOf(fragment));
    }
    const document: DocumentNode = { kind: Kind.DOCUMENT, definitions: [operation, ...used.values()] };
    manifest.set(documentId(document), print(document));
  }
  return manifest;
}

/** The ids in the built manifest; none when the screen was never built (screen keys can then run nothing). */
export function loadTrustedDocumentIds(manifestPath = MANIFEST_PATH): ReadonlySet<string> {
  if (!existsSync(manifestPath)) return new Set();
  return new Set(Object.keys(JSON.parse(readFileSync(manifestPath, 'utf8')) as Record<string, string>));
}
