import { removeAbandonedWorkspaces } from '../core/edit.js';
import type { Context } from './context.js';

/** Removes what a killed `edit` left behind, and says so: the user may wonder where that edit went. */
export function noteAbandonedEdits(tempRoot: string, context: Context): void {
  for (const dir of removeAbandonedWorkspaces(tempRoot)) {
    context.warn(`removed ${dir}: the plaintext workspace of an \`envseal edit\` that was killed before it could clean up (its unsaved edit was never sealed)`);
  }
}
