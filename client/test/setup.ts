import '@testing-library/jest-dom/vitest';
import { cleanup, configure } from '@solidjs/testing-library';
import { afterEach } from 'vitest';

// The console's pages are lazy chunks: on a loaded CI machine the first import of a page in a test file took
// longer than testing-library's default 1 s for waitFor/findBy, and the first test of the file failed.
configure({ asyncUtilTimeout: 5_000 });

afterEach(() => {
  cleanup();
  // The language choice and ?lang= / ?layout= live in the page; each test starts from a fresh screen.
  localStorage.clear();
  history.replaceState(null, '', '/');
  document.documentElement.removeAttribute('lang');
});
