/** Types of run-action.mjs: run the bundled action as the GitHub runner would. */

export interface RunActionOptions {
  /**
   * Workflow `with:` values by input name (`'role-name': 'x'` → `INPUT_ROLE-NAME=x`).
   * `undefined` removes an input, including a default taken from action.yml.
   */
  inputs?: Record<string, string | number | boolean | undefined>
  /** Extra or overriding environment variables; `undefined` removes one. */
  env?: Record<string, string | undefined>
  /** moto's endpoint, exported as `AWS_ENDPOINT_URL`. */
  endpoint?: string
  /** `GITHUB_EVENT_NAME` (default `push`). */
  eventName?: string
  /** The event payload written to `GITHUB_EVENT_PATH` (default `{}`). */
  event?: Record<string, unknown>
  /** Files to write into the workspace before the run, by relative path. */
  files?: Record<string, string>
  /** Working directory of the action (default: the fresh workspace, as on a runner). */
  cwd?: string
  /** The script to run (default `<repo>/dist/index.js`). */
  entry?: string
  /** Kill the action after this long and reject (default 60000 ms). */
  timeoutMs?: number
  /**
   * Set every input declared in action.yml to its default first, as the runner does.
   * `true` (default): the action.yml in the parent of the entry's directory; a string: that
   * action.yml; `false`: only the given inputs.
   */
  actionDefaults?: boolean | string
  /** Keep the temporary workspace instead of deleting it (default false). */
  keepWorkspace?: boolean
}

export interface Annotation {
  level: 'error' | 'warning' | 'notice'
  message: string
  title?: string
  /** All properties of the command (`title`, `file`, `line`, …), unescaped. */
  properties: Record<string, string>
}

export interface ActionResult {
  /** Exit code (null when killed by a signal). */
  code: number | null
  signal: NodeJS.Signals | null
  stdout: string
  stderr: string
  /** Parsed from GITHUB_OUTPUT (heredoc and `name=value` forms). */
  outputs: Record<string, string>
  /** The GITHUB_STEP_SUMMARY file's content (markdown). */
  summary: string
  /** `::error` / `::warning` / `::notice` commands from stdout. */
  annotations: Annotation[]
  /** Wall-clock time of the subprocess. */
  durationMs: number
  /** The workspace directory (deleted after the run unless `keepWorkspace`). */
  workspace: string
}

export const REPO_ROOT: string
export const DIST_ENTRY: string
export const FAKE_GITHUB_TOKEN: string

/** `role-name` → `INPUT_ROLE-NAME`. */
export function inputEnvName(name: string): string

export function runAction(options?: RunActionOptions): Promise<ActionResult>

export function parseOutputFile(text: string): Record<string, string>
export function parseAnnotations(stdout: string): Annotation[]
/** The inputs declared in action.yml (beside the entry's directory) with their defaults. */
export function readActionDefaults(entry?: string): Record<string, string>
export function parseActionInputs(yaml: string): Record<string, string>
