/**
 * Keeps secrets out of every channel the action writes to: the log (via the runner's masking
 * and our own scrubbing), the job summary, the PR comment, annotations and outputs.
 */

/** Values shorter than this are not treated as secrets (they would mask ordinary words). */
const MIN_SECRET_LENGTH = 6

export class Redactor {
  private readonly secrets = new Map<string, string>()

  /** Registers a value and what replaces it; `mask` also asks the runner to mask it in logs. */
  add(value: string | undefined, replacement = '***', mask?: (value: string) => void): void {
    if (value === undefined || value.length < MIN_SECRET_LENGTH || this.secrets.has(value)) return
    this.secrets.set(value, replacement)
    mask?.(value)
  }

  /** The text with every registered secret replaced. */
  scrub(text: string): string {
    let out = text
    for (const [value, replacement] of this.secrets) out = out.split(value).join(replacement)
    return out
  }
}

/** The credentials of the SDK's environment chain and the GitHub token. */
export function secretValues(
  env: Record<string, string | undefined>,
  githubToken: string
): string[] {
  return [
    env.AWS_SECRET_ACCESS_KEY,
    env.AWS_SESSION_TOKEN,
    env.AWS_SECURITY_TOKEN,
    env.AWS_ACCESS_KEY_ID,
    env.ACTIONS_ID_TOKEN_REQUEST_TOKEN,
    githubToken
  ].filter((v): v is string => typeof v === 'string' && v.trim() !== '')
}
