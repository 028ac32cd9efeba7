/** The same ids, in any order (a list of shops or events as stored against one as edited). */
export const sameMembers = (a: readonly string[], b: readonly string[]) => a.length === b.length && a.every((x) => b.includes(x));
