/**
 * Failed writes, said plainly: which file, at which point of the run, and why in words
 * (`ENOSPC` alone tells a newcomer little). Node's own message repeats the path only sometimes.
 */

const REASONS: Record<string, string> = {
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  EROFS: 'read-only file system',
  ENOENT: 'a folder on the path does not exist',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'the path is a folder',
  EEXIST: 'the path already exists',
  EIO: 'input/output error from the device',
};

/** `ENOSPC: no space left on the device`, or the error's own message. */
export function ioReason(e: unknown): string {
  const code = (e as NodeJS.ErrnoException)?.code;
  if (code && REASONS[code]) return `${code}: ${REASONS[code]}`;
  return (e as Error)?.message ?? String(e);
}

/** An error for a write of `file` that failed with `e`; `when` says where in the run (e.g. "step 12: checkpoint"). */
export class WriteError extends Error {
  readonly code?: string;

  constructor(
    readonly file: string,
    readonly when: string,
    readonly failure: unknown,
    /** What the reader should know next, e.g. that the previous checkpoint is intact. */
    note?: string,
  ) {
    super(`${when}: cannot write ${file} (${ioReason(failure)})${note ? `; ${note}` : ''}`);
    this.name = 'WriteError';
    this.code = (failure as NodeJS.ErrnoException)?.code;
  }
}

/** Run a write of `file`; a failure becomes a WriteError naming `file` and `when`. */
export function writing<T>(file: string, when: string, write: () => T): T {
  try {
    return write();
  } catch (e) {
    if (e instanceof WriteError) throw e;
    throw new WriteError(file, when, e);
  }
}
