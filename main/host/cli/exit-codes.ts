/** Exit codes of the `kiosk` CLI: a contract (../../../ARCHITECTURE.md). */
export const EXIT = {
  OK: 0,
  INVALID_DOCUMENT: 1,
  USAGE: 2,
  NO_DOCUMENT: 3,
  DEVICE: 4,
  ACCESS_DENIED: 5,
} as const;
export type ExitCode = (typeof EXIT)[keyof typeof EXIT];
