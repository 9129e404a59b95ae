// Shapes shared by the patch reader's front ends (unified diffs, quoted
// fragments) and the reconstruction that turns their hunks into C text.
// Public shapes are re-exported by ../patch.ts.

/** One reconstructed side of one hunk group. */
export interface PatchedText {
  /** The file the patch modifies (b/ path), or a synthetic name for quoted fragments. */
  targetPath: string;
  /** Reconstructed C text (post- or pre-patch): `lines.length` lines, each ended by '\n'. */
  text: string;
  /** For each line of `text`: where it is in the patch/mail file, and the column offset there of the line's first character. */
  lines: { line: number; col: number }[];
  /** Hunk header function context (`@@ -1,2 +1,3 @@ static int foo(void)`), if any. */
  context?: string;
}

/**
 * One modified file. `post[i]` and `pre[i]` are the two sides of the same
 * hunk group; a group is one hunk, or consecutive hunks inside one function.
 */
export interface PatchFile {
  path: string;
  post: PatchedText[];
  pre: PatchedText[];
  /** Patch-file lines (0-based) of `+` lines. */
  added: number[];
  /** Patch-file lines (0-based) of `-` lines. */
  removed: number[];
}

/** A line of a hunk body, with the place its text starts in the patch file. */
export interface BodyLine {
  kind: ' ' | '+' | '-';
  /** The line without its `+`/`-`/` ` marker (and without any quote prefix). */
  text: string;
  line: number;
  col: number;
}

export interface RawHunk {
  /** The `@@` line, or the first line of a quoted fragment. */
  headerLine: number;
  /** The function context after the `@@ ... @@`, with where it starts. */
  context?: { text: string; line: number; col: number };
  lines: BodyLine[];
}

/** What a front end found for one file: hunks in patch order, not yet reconstructed. */
export interface RawFile {
  path: string;
  hunks: RawHunk[];
}
