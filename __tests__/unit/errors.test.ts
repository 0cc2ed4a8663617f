import { AwsCallError, describeAwsError } from '../../src/iam/errors.js'

const sdkError = (name: string, message: string, extra: Record<string, unknown> = {}) =>
  Object.assign(new Error(message), { name, $metadata: { httpStatusCode: 400 }, ...extra })

describe('describeAwsError: what happened, which call, what to do', () => {
  it.each([
    [
      sdkError('AccessDenied', 'User: x is not authorized to perform: iam:GetRole'),
      'access-denied',
      /iam:GetRole was denied on role r\. The CI role needs "iam:GetRole"/
    ],
    [
      sdkError('CredentialsProviderError', 'Could not load credentials from any providers'),
      'no-credentials',
      /No AWS credentials.*configure-aws-credentials.*id-token: write/
    ],
    [
      sdkError('ExpiredToken', 'The security token included in the request is expired'),
      'expired-credentials',
      /expired.*Assume the role again/
    ],
    [
      sdkError('InvalidClientTokenId', 'The security token included in the request is invalid.'),
      'invalid-credentials',
      /rejected the credentials.*configure-aws-credentials/
    ],
    [
      sdkError('Throttling', 'Rate exceeded'),
      'throttled',
      /throttled by AWS after retries.*Re-run the job later/
    ],
    [
      sdkError('MalformedPolicyDocumentException', 'Syntax errors in policy.'),
      'malformed-policy',
      /rejected the policy document/
    ],
    [
      Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' }),
      'network',
      /could not reach AWS \(ECONNREFUSED\).*AWS_ENDPOINT_URL/
    ],
    [
      sdkError('TimeoutError', 'Connection timed out after 3000 ms'),
      'network',
      /could not reach AWS \(TimeoutError\)/
    ],
    [
      sdkError('ServiceFailure', 'Request processing has failed', {
        $metadata: { httpStatusCode: 500 }
      }),
      'other',
      /iam:GetRole on role r failed: ServiceFailure \(HTTP 500\)/
    ]
  ])('%s', (error, kind, message) => {
    const described = describeAwsError(error, 'iam:GetRole', 'role r')
    expect(described).toBeInstanceOf(AwsCallError)
    expect(described.kind).toBe(kind)
    expect(described.action).toBe('iam:GetRole')
    expect(described.message).toMatch(message)
    expect(described.message).not.toMatch(/\n/)
  })

  it('keeps an error that is already described', () => {
    const first = describeAwsError(sdkError('AccessDenied', 'no'), 'iam:GetRole', 'role r')
    expect(describeAwsError(first, 'iam:Other', 'x')).toBe(first)
  })
})
