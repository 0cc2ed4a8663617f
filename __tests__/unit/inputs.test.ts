import { DEFAULT_TRUST_POLICY } from '../../src/data/defaults.js'
import { InputError, parseSettings, type InputSource } from '../../src/inputs.js'

function source(
  inputs: Record<string, string>,
  env: Record<string, string> = {},
  files: Record<string, string> = {}
): InputSource {
  return {
    get: name => inputs[name] ?? '',
    env: { GITHUB_WORKSPACE: '/ws', ...env },
    readFile: file => {
      const text = files[file]
      if (text === undefined) throw Object.assign(new Error('ENOENT'), { code: 'ENOENT' })
      return text
    }
  }
}

function errorOf(inputs: Record<string, string>, env?: Record<string, string>): InputError {
  try {
    parseSettings(source(inputs, env))
  } catch (error) {
    if (error instanceof InputError) return error
    throw error
  }
  throw new Error('expected an InputError')
}

describe('parseSettings', () => {
  it('gives the contract defaults when nothing is set', () => {
    const s = parseSettings(source({}))
    expect(s).toEqual({
      mode: 'enforce',
      failOn: 'error',
      roleName: 'ecsServiceRole',
      rolePath: '/',
      trustPolicy: DEFAULT_TRUST_POLICY,
      trustPolicySource: 'default',
      managedPolicies: [
        { kind: 'aws-managed', pathAndName: 'service-role/AmazonEC2ContainerServiceRole' }
      ],
      allowExtraPolicies: false,
      removeExtraPolicies: false,
      allowedAccountIds: [],
      comment: 'on-drift',
      githubToken: '',
      awsRegion: 'us-east-1',
      maskAccountId: false,
      timeoutSeconds: 300
    })
  })

  it('reads every input', () => {
    const s = parseSettings(
      source({
        mode: 'repair',
        'fail-on': 'warning',
        'role-name': 'my.Role+x@y',
        'role-path': '/service-role/ecs/',
        'trust-policy':
          '{"Statement":{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}}',
        'managed-policies':
          'arn:aws:iam::aws:policy/A\n service-role/B , arn:aws-cn:iam::123456789012:policy/team/C\n\nservice-role/B',
        'allow-extra-policies': 'True',
        'remove-extra-policies': 'TRUE',
        'allowed-account-ids': '123456789012, 210987654321,123456789012',
        comment: 'always',
        'github-token': ' tok ',
        'aws-region': 'cn-north-1'
      })
    )
    expect(s.mode).toBe('repair')
    expect(s.failOn).toBe('warning')
    expect(s.roleName).toBe('my.Role+x@y')
    expect(s.rolePath).toBe('/service-role/ecs/')
    expect(s.trustPolicySource).toBe('inline')
    expect(s.managedPolicies).toEqual([
      { kind: 'arn', arn: 'arn:aws:iam::aws:policy/A' },
      { kind: 'aws-managed', pathAndName: 'service-role/B' },
      { kind: 'arn', arn: 'arn:aws-cn:iam::123456789012:policy/team/C' }
    ])
    expect(s.allowExtraPolicies).toBe(true)
    expect(s.removeExtraPolicies).toBe(true)
    expect(s.allowedAccountIds).toEqual(['123456789012', '210987654321'])
    expect(s.comment).toBe('always')
    expect(s.githubToken).toBe('tok')
    expect(s.awsRegion).toBe('cn-north-1')
  })

  it('takes the region from AWS_REGION, then AWS_DEFAULT_REGION', () => {
    expect(
      parseSettings(source({}, { AWS_REGION: 'eu-west-1', AWS_DEFAULT_REGION: 'us-west-2' }))
        .awsRegion
    ).toBe('eu-west-1')
    expect(parseSettings(source({}, { AWS_DEFAULT_REGION: 'us-gov-west-1' })).awsRegion).toBe(
      'us-gov-west-1'
    )
  })

  it('reads the trust policy from a workspace file', () => {
    const doc =
      '{"Version":"2012-10-17","Statement":[{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}]}'
    const s = parseSettings(
      source({ 'trust-policy': 'policies/trust.json' }, {}, { '/ws/policies/trust.json': doc })
    )
    expect(s.trustPolicy).toEqual(JSON.parse(doc))
    expect(s.trustPolicySource).toBe('policies/trust.json')
  })

  const invalid: [string, Record<string, string>, RegExp][] = [
    ['mode', { mode: 'destroy' }, /"mode".*"destroy".*audit, enforce, create, repair/],
    ['mode (case)', { mode: 'Audit' }, /"mode".*"Audit"/],
    ['fail-on', { 'fail-on': 'notice' }, /"fail-on".*"notice".*error, warning/],
    ['comment', { comment: 'sometimes' }, /"comment".*"sometimes".*on-drift, always, never/],
    ['role-name chars', { 'role-name': 'bad name!' }, /"role-name".*"bad name!".*1-64/],
    ['role-name length', { 'role-name': 'a'.repeat(65) }, /"role-name"/],
    [
      'role-path no slashes',
      { 'role-path': 'service-role' },
      /"role-path".*"service-role".*starts and ends with "\/"/
    ],
    ['role-path missing end', { 'role-path': '/service-role' }, /"role-path"/],
    ['role-path space', { 'role-path': '/a b/' }, /"role-path"/],
    ['role-path length', { 'role-path': `/${'a'.repeat(511)}/` }, /"role-path"/],
    [
      'trust-policy not json',
      { 'trust-policy': '{not json' },
      /"trust-policy".*"\{not json".*JSON/
    ],
    [
      'trust-policy not a policy',
      { 'trust-policy': '{"foo": 1}' },
      /"trust-policy".*valid IAM trust policy/
    ],
    [
      'trust-policy bad effect',
      {
        'trust-policy':
          '{"Statement":[{"Effect":"Maybe","Principal":"*","Action":"sts:AssumeRole"}]}'
      },
      /"trust-policy"/
    ],
    [
      'trust-policy without principal',
      { 'trust-policy': '{"Statement":[{"Effect":"Allow","Action":"sts:AssumeRole"}]}' },
      /"trust-policy".*Principal/
    ],
    [
      'trust-policy missing file',
      { 'trust-policy': 'nope.json' },
      /"trust-policy".*"nope.json".*ENOENT/
    ],
    [
      'trust-policy outside workspace',
      { 'trust-policy': '../etc/passwd' },
      /"trust-policy".*inside the workspace/
    ],
    [
      'trust-policy too large',
      {
        'trust-policy': JSON.stringify({
          Statement: [
            {
              Effect: 'Allow',
              Principal: {
                AWS: Array.from(
                  { length: 200 },
                  (_, i) => `arn:aws:iam::1234567890${String(i).padStart(2, '0')}:root`
                )
              },
              Action: 'sts:AssumeRole'
            }
          ]
        })
      },
      /"trust-policy".*4096/
    ],
    [
      'managed-policies bad arn',
      { 'managed-policies': 'arn:aws:iam::aws:role/x' },
      /"managed-policies".*"arn:aws:iam::aws:role\/x".*ARN/
    ],
    [
      'managed-policies bad partition',
      { 'managed-policies': 'arn:azure:iam::aws:policy/x' },
      /"managed-policies"/
    ],
    [
      'managed-policies bad account',
      { 'managed-policies': 'arn:aws:iam::12345:policy/x' },
      /"managed-policies"/
    ],
    [
      'managed-policies bad name',
      { 'managed-policies': 'service role/x' },
      /"managed-policies".*"service role\/x"/
    ],
    [
      'managed-policies too many',
      { 'managed-policies': Array.from({ length: 21 }, (_, i) => `p${i}`).join(',') },
      /"managed-policies".*at most 20/
    ],
    [
      'allow-extra-policies',
      { 'allow-extra-policies': 'yes' },
      /"allow-extra-policies".*"yes".*true or false/
    ],
    ['remove-extra-policies', { 'remove-extra-policies': '1' }, /"remove-extra-policies".*"1"/],
    [
      'allowed-account-ids short',
      { 'allowed-account-ids': '12345' },
      /"allowed-account-ids".*"12345".*12 digits/
    ],
    [
      'allowed-account-ids letters',
      { 'allowed-account-ids': '123456789012,abcdefghijkl' },
      /"allowed-account-ids".*"abcdefghijkl"/
    ],
    ['aws-region', { 'aws-region': 'mars-1' }, /"aws-region".*"mars-1"/],
    ['mask-account-id', { 'mask-account-id': 'on' }, /"mask-account-id".*"on".*true or false/],
    ['timeout-seconds zero', { 'timeout-seconds': '0' }, /"timeout-seconds".*"0".*1 to 3600/],
    ['timeout-seconds text', { 'timeout-seconds': '5m' }, /"timeout-seconds".*"5m"/],
    ['timeout-seconds large', { 'timeout-seconds': '99999' }, /"timeout-seconds".*"99999"/]
  ]

  it.each(invalid)(
    'rejects an invalid %s with a message naming the input and value',
    (_name, inputs, message) => {
      const error = errorOf(inputs)
      expect(error.message).toMatch(message)
    }
  )

  it('rejects an invalid region from the environment, naming aws-region', () => {
    expect(errorOf({}, { AWS_REGION: 'nowhere' }).message).toMatch(/"aws-region".*"nowhere"/)
  })

  it('cuts very long values in the message', () => {
    const error = errorOf({ mode: 'x'.repeat(10000) })
    expect(error.message.length).toBeLessThan(600)
    expect(error.message).toContain('10000 characters')
  })
})
