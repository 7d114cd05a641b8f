/** The shape every library uses to explain its error codes to people: what happened, why, and what to do. */

export interface Explanation {
  /** A short headline: what went wrong. */
  title: string;
  /** Why it happens, in plain words. */
  explanation: string;
  /** What the user can do about it. Never names a control the app does not have. */
  fix: string;
}

/** One explanation per code of an error union: the compiler refuses a table that misses a code. */
export type ExplanationTable<Code extends string> = Record<Code, Explanation>;
