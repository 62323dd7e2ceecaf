/**
 * Where the sign-in page sends the user back to. Only paths of this site are accepted: a `next`
 * parameter is user input, and an absolute or protocol-relative address would make the sign-in
 * page an open redirect.
 */
export const SIGN_IN_PATH = '/sign-in';

/** A safe place to go after signing in: `raw` when it is a path of this site, else "/". */
export function safeNext(raw: string | null | undefined): string {
  if (!raw || !raw.startsWith('/') || raw.startsWith('//') || raw.startsWith('/\\')) return '/';
  // Control characters and backslashes have no business in our paths (browsers treat "\" as "/").
  if ([...raw].some((char) => char <= '\u001f' || char === '\u007f' || char === '\\')) return '/';
  const path = raw.split(/[?#]/, 1)[0] ?? '/';
  if (path === SIGN_IN_PATH || path.startsWith(`${SIGN_IN_PATH}/`)) return '/';
  return raw;
}

/** The sign-in page's address, coming back to `path` (+ `search`, without "?") afterwards. */
export function signInHref(path: string, search = ''): string {
  const here = search ? `${path}?${search}` : path;
  const next = safeNext(here);
  return next === '/' ? SIGN_IN_PATH : `${SIGN_IN_PATH}?${new URLSearchParams({ next }).toString()}`;
}
