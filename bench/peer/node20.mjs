/**
 * PostGraphile v5 declares `"node": ">=22"`. On Node 20 the one built-in it calls that is missing is
 * Promise.withResolvers (ES2024; grafast's prepare and load steps, @dataplan/pg's executor and pool
 * adaptor): without it every planned field fails. This is that function exactly as the spec defines it;
 * nothing else of PostGraphile is changed. On Node ≥ 22 it does nothing.
 */
if (typeof Promise.withResolvers !== 'function') {
  Object.defineProperty(Promise, 'withResolvers', {
    configurable: true,
    writable: true,
    value: function withResolvers() {
      let resolve;
      let reject;
      const promise = new this((res, rej) => {
        resolve = res;
        reject = rej;
      });
      return { promise, resolve, reject };
    },
  });
}
