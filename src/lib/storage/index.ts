/** Browser-local persistence through IndexedDB, one database per purpose, all named `wasmlens-*`. */
export { createStore, databaseExists } from './store';
export {
  listRecents,
  addRecent,
  removeRecent,
  keptFile,
  restoreStashedRecents,
  stashRecents,
  RECENTS_LIMIT,
  RECENTS_STASH_KEY,
  type RecentItem,
} from './recents';
export { clearAllLocalData, listLocalDatabases, DATABASE_PREFIX } from './local-data';
export {
  listSavedRegistries,
  saveRegistry,
  forgetRegistry,
  forgetAllRegistries,
  loadVault,
  saveVault,
  REGISTRIES_DB,
  type SavedRegistry,
} from './credentials';
export {
  saveDraft,
  saveDraftIfUnchanged,
  stashDraft,
  loadDraft,
  listDraftKeys,
  discardDraft,
  DRAFTS_DATABASE,
  type Draft,
  type SaveOutcome,
} from './drafts';
export {
  saveTrustedRoot,
  loadTrustedRoot,
  forgetTrustedRoot,
  TRUSTED_ROOT_DB,
  type SavedTrustedRoot,
} from './trusted-root';
export { createVault, unlockVault, PBKDF2_ITERATIONS, type VaultRecord } from './vault';
