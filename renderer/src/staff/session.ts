import type { CommandResponse } from '../../../main/contract/index.js';

/** A signed-in staff member (what officer.signIn returns). */
export type Session = CommandResponse<'officer.signIn'>;
