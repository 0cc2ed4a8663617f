/** Turns SDK errors into messages that say what happened, which call, and what to do. */

/** An AWS call that stopped the check; `action` is the IAM/STS action, e.g. `iam:GetRole`. */
export class AwsCallError extends Error {
  constructor(
    readonly action: string,
    readonly kind: AwsErrorKind,
    message: string,
    override readonly cause?: unknown
  ) {
    super(message)
    this.name = 'AwsCallError'
  }
}

export type AwsErrorKind =
  | 'access-denied'
  | 'no-credentials'
  | 'expired-credentials'
  | 'invalid-credentials'
  | 'network'
  | 'throttled'
  | 'malformed-policy'
  | 'other'

const CREDENTIALS_HELP =
  'Add aws-actions/configure-aws-credentials before this step (with role-to-assume and aws-region) and give the job `permissions: id-token: write` so it can assume the role through GitHub OIDC.'

interface SdkErrorLike {
  name?: string
  message?: string
  code?: string
  $metadata?: { httpStatusCode?: number }
}

/** The SDK error's name (its wire code for unmodelled errors such as AccessDenied). */
export function errorName(error: unknown): string {
  const e = error as SdkErrorLike | undefined
  return e?.name ?? ''
}

/** Classifies an SDK error and writes the message the user sees. `resource` is what the call was about. */
export function describeAwsError(error: unknown, action: string, resource: string): AwsCallError {
  if (error instanceof AwsCallError) return error
  const e = (error ?? {}) as SdkErrorLike
  const name = e.name ?? 'Error'
  const detail = (e.message ?? String(error)).replace(/\s+/g, ' ').trim()
  const [kind, text] = classify(name, e, action, resource, detail)
  return new AwsCallError(action, kind, text, error)
}

function classify(
  name: string,
  e: SdkErrorLike,
  action: string,
  resource: string,
  detail: string
): [AwsErrorKind, string] {
  if (
    name === 'AccessDenied' ||
    name === 'AccessDeniedException' ||
    name === 'UnauthorizedOperation'
  ) {
    return [
      'access-denied',
      `${action} was denied on ${resource}. The CI role needs "${action}" on ${resource} (see the README's least-privilege policy). AWS said: ${detail}`
    ]
  }
  if (name === 'CredentialsProviderError' || /Could not load credentials/i.test(detail)) {
    return ['no-credentials', `No AWS credentials were found for ${action}. ${CREDENTIALS_HELP}`]
  }
  if (name === 'ExpiredToken' || name === 'ExpiredTokenException' || name === 'RequestExpired') {
    return [
      'expired-credentials',
      `The AWS credentials have expired (${action}). Assume the role again closer to this step, or raise role-duration-seconds in configure-aws-credentials. AWS said: ${detail}`
    ]
  }
  if (
    name === 'InvalidClientTokenId' ||
    name === 'SignatureDoesNotMatch' ||
    name === 'UnrecognizedClientException'
  ) {
    return [
      'invalid-credentials',
      `AWS rejected the credentials for ${action} (${name}). ${CREDENTIALS_HELP} AWS said: ${detail}`
    ]
  }
  if (
    name === 'Throttling' ||
    name === 'ThrottlingException' ||
    name === 'TooManyRequestsException'
  ) {
    return [
      'throttled',
      `${action} was throttled by AWS after retries. Re-run the job later, or run fewer jobs at once. AWS said: ${detail}`
    ]
  }
  if (name === 'MalformedPolicyDocumentException' || name === 'MalformedPolicyDocument') {
    return ['malformed-policy', `${action} rejected the policy document for ${resource}: ${detail}`]
  }
  const code = e.code ?? ''
  if (
    ['ECONNREFUSED', 'ENOTFOUND', 'ECONNRESET', 'ETIMEDOUT', 'EAI_AGAIN', 'EHOSTUNREACH'].includes(
      code
    ) ||
    name === 'TimeoutError' ||
    name === 'RequestTimeout'
  ) {
    return [
      'network',
      `${action} could not reach AWS (${code || name}). Check the network and any AWS_ENDPOINT_URL* variables. ${detail}`
    ]
  }
  const status = e.$metadata?.httpStatusCode
  return [
    'other',
    `${action} on ${resource} failed: ${name}${status ? ` (HTTP ${status})` : ''}: ${detail}`
  ]
}
