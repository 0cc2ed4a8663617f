import {
  canonicalDocument,
  comparePolicies,
  decodePolicyDocument,
  equivalentPolicies,
  globIntersects,
  globSubset,
  normalizePolicy,
  PolicyError
} from '../../src/policy.js'
import {
  AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT,
  DEFAULT_TRUST_POLICY
} from '../../src/data/defaults.js'
import type { JsonValue } from '../../src/types.js'

type Outcome = 'equivalent' | 'broader' | 'narrower' | 'both'

const SEED: JsonValue = {
  Version: '2008-10-17',
  Statement: [
    {
      Sid: '',
      Effect: 'Allow',
      Principal: { Service: 'ecs.amazonaws.com' },
      Action: 'sts:AssumeRole'
    }
  ]
}

const ECS = { Service: 'ecs.amazonaws.com' }
const ACCOUNT = '123456789012'
const ROOT = `arn:aws:iam::${ACCOUNT}:root`
const ROLE = `arn:aws:iam::${ACCOUNT}:role/deployer`

/** A trust policy with one statement (plus optional extra statements). */
function trust(statement: Record<string, JsonValue>, ...more: JsonValue[]): JsonValue {
  return {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: ECS, Action: 'sts:AssumeRole', ...statement },
      ...more
    ]
  }
}

const ECS_ACTIONS = [
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:Describe*',
  'elasticloadbalancing:DeregisterInstancesFromLoadBalancer',
  'elasticloadbalancing:DeregisterTargets',
  'elasticloadbalancing:Describe*',
  'elasticloadbalancing:RegisterInstancesWithLoadBalancer',
  'elasticloadbalancing:RegisterTargets'
]

/** An identity policy with the AmazonEC2ContainerServiceRole shape. */
function identity(
  actions: string[],
  resource: JsonValue = '*',
  extra: JsonValue[] = []
): JsonValue {
  return {
    Version: '2012-10-17',
    Statement: [{ Effect: 'Allow', Action: actions, Resource: resource }, ...extra]
  }
}

const ECS_DOC = AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT

const SOURCE_CONDITION = { StringEquals: { 'aws:SourceAccount': ACCOUNT } }

const cases: [string, JsonValue, JsonValue, Outcome, boolean][] = [
  // Trust policy: formatting differences that are never findings.
  ['seed against itself', SEED, SEED, 'equivalent', false],
  ['seed against the defaults module copy', SEED, DEFAULT_TRUST_POLICY, 'equivalent', false],
  ['Version 2012-10-17 vs 2008-10-17', SEED, trust({}), 'equivalent', false],
  [
    'missing Version',
    SEED,
    { Statement: [{ Effect: 'Allow', Principal: ECS, Action: 'sts:AssumeRole' }] },
    'equivalent',
    false
  ],
  ['Sid absent vs empty', SEED, trust({}), 'equivalent', false],
  ['any Sid value', SEED, trust({ Sid: 'AllowEcsToAssume' }), 'equivalent', false],
  [
    'Statement as one object',
    SEED,
    {
      Version: '2008-10-17',
      Statement: { Effect: 'Allow', Principal: ECS, Action: 'sts:AssumeRole' }
    },
    'equivalent',
    false
  ],
  [
    'one-element arrays everywhere',
    SEED,
    trust({ Principal: { Service: ['ecs.amazonaws.com'] }, Action: ['sts:AssumeRole'] }),
    'equivalent',
    false
  ],
  ['action-name case', SEED, trust({ Action: 'sts:assumerole' }), 'equivalent', false],
  ['upper-cased action name', SEED, trust({ Action: 'STS:ASSUMEROLE' }), 'equivalent', false],
  [
    'duplicate statements',
    SEED,
    trust({}, { Effect: 'Allow', Principal: ECS, Action: 'sts:AssumeRole' }),
    'equivalent',
    false
  ],
  [
    'principal order',
    trust({ Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] } }),
    trust({ Principal: { Service: ['ec2.amazonaws.com', 'ecs.amazonaws.com'] } }),
    'equivalent',
    false
  ],
  [
    'principals split across two statements vs merged',
    trust({ Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] } }),
    trust(
      {},
      { Effect: 'Allow', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }
    ),
    'equivalent',
    false
  ],
  [
    'actions split across two statements vs merged, statement order',
    trust({ Action: ['sts:AssumeRole', 'sts:TagSession'] }),
    {
      Statement: [
        { Effect: 'Allow', Principal: ECS, Action: 'sts:TagSession' },
        { Effect: 'Allow', Principal: ECS, Action: 'sts:AssumeRole' }
      ]
    },
    'equivalent',
    false
  ],
  [
    'Principal "*" vs {"AWS": "*"}',
    trust({ Principal: { AWS: '*' } }),
    trust({ Principal: '*' }),
    'equivalent',
    false
  ],
  [
    'account id vs root ARN',
    trust({ Principal: { AWS: ACCOUNT } }),
    trust({ Principal: { AWS: ROOT } }),
    'equivalent',
    false
  ],
  [
    'condition key case and value order',
    trust({ Condition: { StringEquals: { 'aws:SourceAccount': ['111111111111', ACCOUNT] } } }),
    trust({ Condition: { StringEquals: { 'AWS:SourceAccount': [ACCOUNT, '111111111111'] } } }),
    'equivalent',
    false
  ],
  [
    'condition value as boolean vs string',
    trust({ Condition: { Bool: { 'aws:SecureTransport': 'true' } } }),
    trust({ Condition: { Bool: { 'aws:SecureTransport': true } } }),
    'equivalent',
    false
  ],

  // Trust policy: the live document grants more.
  [
    'extra service principal',
    SEED,
    trust({ Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] } }),
    'broader',
    false
  ],
  [
    'ec2 instead of ecs',
    SEED,
    trust({ Principal: { Service: 'ec2.amazonaws.com' } }),
    'both',
    true
  ],
  ['sts:* instead of sts:AssumeRole', SEED, trust({ Action: 'sts:*' }), 'broader', false],
  ['"*" instead of sts:AssumeRole', SEED, trust({ Action: '*' }), 'broader', false],
  [
    'NotAction with Allow',
    SEED,
    {
      Statement: [{ Effect: 'Allow', Principal: ECS, NotAction: 'iam:PassRole' }]
    },
    'broader',
    false
  ],
  [
    'NotPrincipal with Allow',
    SEED,
    {
      Statement: [{ Effect: 'Allow', NotPrincipal: { AWS: ROOT }, Action: 'sts:AssumeRole' }]
    },
    'broader',
    false
  ],
  ['Principal "*"', SEED, trust({ Principal: '*' }), 'broader', false],
  ['{"AWS": "*"} principal', SEED, trust({ Principal: { AWS: '*' } }), 'broader', false],
  [
    'extra sts:TagSession',
    SEED,
    trust({ Action: ['sts:AssumeRole', 'sts:TagSession'] }),
    'broader',
    false
  ],
  [
    'live root vs expected single role',
    trust({ Principal: { AWS: ROLE } }),
    trust({ Principal: { AWS: ROOT } }),
    'broader',
    false
  ],
  [
    'live account id vs expected single role',
    trust({ Principal: { AWS: ROLE } }),
    trust({ Principal: { AWS: ACCOUNT } }),
    'broader',
    false
  ],
  [
    'live drops an expected Condition',
    trust({ Condition: SOURCE_CONDITION }),
    trust({}),
    'broader',
    false
  ],
  [
    'live drops an expected Deny',
    trust({}, { Effect: 'Deny', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole' }),
    trust({}),
    'broader',
    false
  ],

  // Trust policy: the live document grants less.
  ['added Condition', SEED, trust({ Condition: SOURCE_CONDITION }), 'narrower', false],
  [
    'added unconditional Deny',
    SEED,
    trust({}, { Effect: 'Deny', Principal: ECS, Action: 'sts:AssumeRole' }),
    'narrower',
    true
  ],
  [
    'added unconditional Deny on everyone',
    SEED,
    trust({}, { Effect: 'Deny', Principal: '*', Action: 'sts:*' }),
    'narrower',
    true
  ],
  [
    'added conditional Deny',
    SEED,
    trust(
      {},
      {
        Effect: 'Deny',
        Principal: ECS,
        Action: 'sts:AssumeRole',
        Condition: { StringNotEquals: { 'aws:SourceAccount': ACCOUNT } }
      }
    ),
    'narrower',
    false
  ],
  [
    'removed statement (only an unrelated Deny remains)',
    SEED,
    {
      Statement: [
        { Effect: 'Deny', Principal: { Service: 'ec2.amazonaws.com' }, Action: 'sts:AssumeRole' }
      ]
    },
    'narrower',
    true
  ],
  [
    'removed one of two statements',
    trust({}, { Effect: 'Allow', Principal: { AWS: ROOT }, Action: 'sts:AssumeRole' }),
    trust({}),
    'narrower',
    true
  ],
  [
    'live role ARN vs expected root',
    trust({ Principal: { AWS: ROOT } }),
    trust({ Principal: { AWS: ROLE } }),
    'narrower',
    true
  ],
  [
    'live condition with fewer values is stricter',
    trust({ Condition: { StringEquals: { 'aws:SourceAccount': ['111111111111', ACCOUNT] } } }),
    trust({ Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } } }),
    'narrower',
    false
  ],
  [
    'negated operator: live excludes more values (stricter)',
    trust({ Condition: { StringNotEquals: { 'aws:SourceAccount': '111111111111' } } }),
    trust({ Condition: { StringNotEquals: { 'aws:SourceAccount': ['111111111111', ACCOUNT] } } }),
    'narrower',
    false
  ],
  [
    'negated operator: live excludes fewer values (looser)',
    trust({ Condition: { StringNotEquals: { 'aws:SourceAccount': ['111111111111', ACCOUNT] } } }),
    trust({ Condition: { StringNotEquals: { 'aws:SourceAccount': '111111111111' } } }),
    'broader',
    false
  ],
  [
    'a Deny on everyone but ecs does not narrow',
    SEED,
    trust({}, { Effect: 'Deny', NotPrincipal: ECS, Action: 'sts:AssumeRole' }),
    'equivalent',
    false
  ],
  [
    'an unrelated Deny does not narrow',
    SEED,
    trust({}, { Effect: 'Deny', Principal: ECS, Action: 'sts:TagSession' }),
    'equivalent',
    false
  ],
  [
    'an expected Deny kept in live is not narrower',
    trust(
      {},
      { Effect: 'Deny', Principal: ECS, Action: 'sts:AssumeRole', Condition: SOURCE_CONDITION }
    ),
    trust(
      {},
      { Effect: 'Deny', Principal: ECS, Action: 'sts:assumerole', Condition: SOURCE_CONDITION }
    ),
    'equivalent',
    false
  ],

  // Identity policy: AmazonEC2ContainerServiceRole.
  ['managed policy against itself', ECS_DOC, identity(ECS_ACTIONS), 'equivalent', false],
  ['reordered actions', ECS_DOC, identity([...ECS_ACTIONS].reverse()), 'equivalent', false],
  [
    'lower-cased actions',
    ECS_DOC,
    identity(ECS_ACTIONS.map(a => a.toLowerCase())),
    'equivalent',
    false
  ],
  [
    'split into two statements',
    ECS_DOC,
    identity(
      ECS_ACTIONS.slice(0, 2),
      ['*'],
      [{ Effect: 'Allow', Action: ECS_ACTIONS.slice(2), Resource: '*', Sid: 'Elb' }]
    ),
    'equivalent',
    false
  ],
  [
    'ec2:* instead of ec2:Describe*',
    ECS_DOC,
    identity(ECS_ACTIONS.map(a => (a === 'ec2:Describe*' ? 'ec2:*' : a))),
    'broader',
    false
  ],
  ['"*" action', ECS_DOC, identity(['*']), 'broader', false],
  ['extra action', ECS_DOC, identity([...ECS_ACTIONS, 'iam:PassRole']), 'broader', false],
  [
    'NotResource with Allow excluding a bucket',
    ECS_DOC,
    { Statement: [{ Effect: 'Allow', Action: ECS_ACTIONS, NotResource: 'arn:aws:s3:::secret/*' }] },
    'narrower',
    true
  ],
  [
    'dropped action',
    ECS_DOC,
    identity(ECS_ACTIONS.filter(a => a !== 'elasticloadbalancing:RegisterTargets')),
    'narrower',
    true
  ],
  [
    'ec2:Describe* narrowed to ec2:DescribeI*',
    ECS_DOC,
    identity(ECS_ACTIONS.map(a => (a === 'ec2:Describe*' ? 'ec2:DescribeI*' : a))),
    'narrower',
    true
  ],
  [
    'resource narrowed to an ARN',
    ECS_DOC,
    identity(ECS_ACTIONS, `arn:aws:ec2:us-east-1:${ACCOUNT}:instance/*`),
    'narrower',
    true
  ],
  [
    'resource "*" vs arn:aws:ec2:*',
    ECS_DOC,
    identity(ECS_ACTIONS, 'arn:aws:ec2:*'),
    'narrower',
    true
  ],
  [
    'resource arn:aws:ec2:* vs "*"',
    identity(ECS_ACTIONS, 'arn:aws:ec2:*'),
    ECS_DOC,
    'broader',
    false
  ],
  [
    'resource arn:aws:ec2:* vs arn:aws:ec2:*:*:*',
    identity(ECS_ACTIONS, 'arn:aws:ec2:*'),
    identity(ECS_ACTIONS, 'arn:aws:ec2:*:*:*'),
    'narrower',
    true
  ],
  [
    'resource patterns swapped between the two ec2 forms',
    identity(ECS_ACTIONS, 'arn:aws:ec2:*:*:*'),
    identity(ECS_ACTIONS, 'arn:aws:ec2:*'),
    'broader',
    false
  ],
  [
    'resource split into ec2 and elb ARNs',
    ECS_DOC,
    identity(ECS_ACTIONS, ['arn:aws:ec2:*', 'arn:aws:elasticloadbalancing:*']),
    'narrower',
    true
  ],
  [
    'different action and resource',
    identity(['ec2:DescribeInstances'], 'arn:aws:ec2:*'),
    identity(['ec2:Describe*'], 'arn:aws:ec2:us-east-1:*'),
    'both',
    true
  ]
]

describe('comparePolicies table', () => {
  test('has enough rows', () => {
    expect(cases.length).toBeGreaterThanOrEqual(36)
  })

  test.each(cases)('%s', (_name, expected, live, outcome, blocked) => {
    const result = comparePolicies(expected, live)
    const actual: Outcome =
      result.broader.length > 0
        ? result.narrower.length > 0
          ? 'both'
          : 'broader'
        : result.narrower.length > 0
          ? 'narrower'
          : 'equivalent'
    // The reasons ride along so a failure shows why.
    expect({ outcome: actual, ...result }).toMatchObject({ outcome, blocked })
    expect(equivalentPolicies(expected, live)).toBe(outcome === 'equivalent')
  })
})

describe('comparePolicies reasons', () => {
  test('extra principal names the principal and the action', () => {
    const result = comparePolicies(
      SEED,
      trust({ Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] } })
    )
    expect(result.broader).toEqual([
      'live allows Service "ec2.amazonaws.com" to call sts:AssumeRole, which the expected policy does not'
    ])
  })

  test('ec2 instead of ecs gives both directions', () => {
    const result = comparePolicies(SEED, trust({ Principal: { Service: 'ec2.amazonaws.com' } }))
    expect(result.narrower).toEqual([
      'expected grant Service "ecs.amazonaws.com" sts:AssumeRole is not allowed by the live policy'
    ])
    expect(result.blocked).toBe(true)
  })

  test('an added Condition is named as a restriction', () => {
    const result = comparePolicies(SEED, trust({ Condition: SOURCE_CONDITION }))
    expect(result.narrower).toEqual([
      'expected grant Service "ecs.amazonaws.com" sts:AssumeRole is restricted by a Condition in the live policy'
    ])
  })

  test('Deny statements are named', () => {
    const unconditional = comparePolicies(
      SEED,
      trust({}, { Effect: 'Deny', Principal: ECS, Action: 'sts:AssumeRole' })
    )
    expect(unconditional.narrower).toEqual([
      'live Deny statement blocks Service "ecs.amazonaws.com" sts:AssumeRole'
    ])
    const conditional = comparePolicies(
      SEED,
      trust({}, { Effect: 'Deny', Principal: '*', Action: 'sts:*', Condition: SOURCE_CONDITION })
    )
    expect(conditional.narrower).toEqual([
      'live Deny statement with a Condition restricts Service "ecs.amazonaws.com" sts:AssumeRole'
    ])
  })

  test('NotAction and dropped conditions are described', () => {
    expect(
      comparePolicies(SEED, {
        Statement: [{ Effect: 'Allow', Principal: ECS, NotAction: 'iam:PassRole' }]
      }).broader
    ).toEqual([
      'live allows Service "ecs.amazonaws.com" to call any action except iam:PassRole, which the expected policy does not'
    ])
    expect(comparePolicies(trust({ Condition: SOURCE_CONDITION }), trust({})).broader).toEqual([
      'live allows Service "ecs.amazonaws.com" to call sts:AssumeRole without a Condition that the expected policy requires'
    ])
  })

  test('identity-policy reasons name the action and resource', () => {
    const result = comparePolicies(ECS_DOC, identity([...ECS_ACTIONS, 'iam:PassRole']))
    expect(result.broader).toEqual([
      'live allows iam:PassRole on "*", which the expected policy does not'
    ])
  })

  test('reasons are deduplicated and capped at 50 with a count of the rest', () => {
    const services = Array.from({ length: 60 }, (_, i) => `svc${i}.amazonaws.com`)
    const live = trust(
      { Principal: { Service: ['ecs.amazonaws.com', ...services] } },
      { Effect: 'Allow', Principal: { Service: services }, Action: 'sts:AssumeRole' }
    )
    const result = comparePolicies(SEED, live)
    expect(result.broader).toHaveLength(51)
    expect(result.broader[50]).toBe('... and 10 more')
    expect(new Set(result.broader).size).toBe(51)
  })

  test('errors name which document is invalid', () => {
    expect(() => comparePolicies(SEED, { Statement: [] })).toThrow(
      new PolicyError('live policy: Statement must not be an empty array')
    )
    expect(() => comparePolicies({}, SEED)).toThrow(/^expected policy: /)
  })
})

describe('robustness', () => {
  test('a hostile ~10 KB document is compared in bounded time', () => {
    const patterns = Array.from({ length: 120 }, (_, i) => `s${i % 7}:*?*a*?*b*?*c*?*${i}*`)
    const principals = Array.from(
      { length: 40 },
      (_, i) => `arn:aws:iam::${String(i).padStart(12, '0')}:role/r*`
    )
    const hostile: JsonValue = {
      Statement: Array.from({ length: 8 }, (_, i) => ({
        Effect: i % 3 === 0 ? 'Deny' : 'Allow',
        Principal: { AWS: principals },
        Action: patterns,
        Resource: patterns.map(p => `arn:aws:s3:::${p}`)
      }))
    }
    expect(JSON.stringify(hostile).length).toBeGreaterThan(10_000)
    const start = Date.now()
    const forward = comparePolicies(hostile, hostile)
    const backward = comparePolicies(SEED, hostile)
    comparePolicies(hostile, SEED)
    expect(Date.now() - start).toBeLessThan(5_000)
    expect(forward.broader).toEqual([])
    expect(backward.broader.length).toBeLessThanOrEqual(51)
    expect(backward.broader[50]).toMatch(/^\.\.\. and \d+ more$/)
  })

  test('a long wildcard pattern does not backtrack exponentially', () => {
    const evil = `${'*a'.repeat(500)}b`
    const start = Date.now()
    expect(globSubset('a'.repeat(1000), evil)).toBe(false)
    expect(globIntersects('a'.repeat(1000), evil)).toBe(false)
    expect(Date.now() - start).toBeLessThan(2_000)
  })

  test('too many values is a PolicyError', () => {
    const actions = Array.from({ length: 10_001 }, (_, i) => `s:a${i}`)
    expect(() => normalizePolicy({ Statement: { Effect: 'Allow', Action: actions } })).toThrow(
      /too large/
    )
  })
})

describe('decodePolicyDocument', () => {
  const LITERAL =
    '%7B%22Version%22%3A%222008-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22%22%2C%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D'

  test('URL-encoded as AWS returns it', () => {
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(SEED)))).toEqual(SEED)
    expect(decodePolicyDocument(encodeURIComponent(JSON.stringify(ECS_DOC, null, 4)))).toEqual(
      ECS_DOC
    )
  })

  test('a literal fixture of a real GetRole response', () => {
    expect(decodePolicyDocument(LITERAL)).toEqual(SEED)
  })

  test('plain JSON as moto returns it', () => {
    expect(decodePolicyDocument(JSON.stringify(ECS_DOC))).toEqual(ECS_DOC)
    expect(decodePolicyDocument(`\n  ${JSON.stringify(SEED, null, 2)}\n`)).toEqual(SEED)
  })

  test('a "+" stays a plus sign (RFC 3986, not form encoding)', () => {
    const doc = trust({ Condition: { StringEquals: { 'aws:PrincipalTag/team': 'a+b c' } } })
    const decoded = decodePolicyDocument(encodeURIComponent(JSON.stringify(doc)))
    expect(decoded).toEqual(doc)
  })

  test.each([
    ['empty', '', /empty/],
    ['blank', '   ', /empty/],
    ['garbage', 'hello world', /not valid JSON after URL-decoding/],
    ['bad percent-encoding', '%E0%A4%A', /bad percent-encoding/],
    ['broken JSON', '{"Version": ', /not valid JSON \(/],
    ['JSON array', '%5B1%5D', /must be a JSON object, got an array/],
    ['JSON string', '%22x%22', /must be a JSON object, got "x"/]
  ])('%s is a PolicyError', (_name, raw, message) => {
    expect(() => decodePolicyDocument(raw)).toThrow(PolicyError)
    expect(() => decodePolicyDocument(raw)).toThrow(message)
  })
})

describe('canonicalDocument', () => {
  const CANONICAL_SEED = {
    Version: '2012-10-17',
    Statement: [
      { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }
    ]
  }

  test('the seed trust policy', () => {
    expect(JSON.stringify(canonicalDocument(SEED))).toBe(JSON.stringify(CANONICAL_SEED))
  })

  test.each<[string, JsonValue]>([
    ['Version 2012', trust({})],
    [
      'Statement object',
      { Statement: { Effect: 'Allow', Principal: ECS, Action: 'sts:AssumeRole' } }
    ],
    [
      'arrays and case',
      trust({ Principal: { Service: ['ecs.amazonaws.com'] }, Action: ['STS:assumeRole'] })
    ],
    [
      'duplicates and key order',
      {
        Statement: [
          { Action: 'sts:AssumeRole', Principal: ECS, Effect: 'Allow', Sid: '' },
          { Effect: 'Allow', Action: ['sts:AssumeRole', 'sts:assumerole'], Principal: ECS }
        ]
      }
    ]
  ])('%s gives the same canonical JSON as the seed', (_name, doc) => {
    expect(JSON.stringify(canonicalDocument(doc))).toBe(JSON.stringify(CANONICAL_SEED))
  })

  test('sorts arrays, orders keys, unwraps principals and account ids', () => {
    const doc: JsonValue = {
      Version: '2008-10-17',
      Statement: [
        {
          Condition: {
            StringLike: { 'AWS:SourceArn': ['b', 'a'] },
            Bool: { 'aws:SecureTransport': true }
          },
          Resource: ['z', 'a'],
          Action: ['ec2:describe*', 'EC2:AuthorizeSecurityGroupIngress', 'ec2:RunInstances'],
          Effect: 'Allow',
          Sid: 'Second'
        },
        { Effect: 'Deny', Principal: { AWS: '*' }, NotAction: 'sts:AssumeRole' },
        {
          Effect: 'Allow',
          Principal: { AWS: [ACCOUNT, ROLE], Service: 'ecs.amazonaws.com' },
          Action: '*'
        }
      ]
    }
    expect(JSON.stringify(canonicalDocument(doc, { partition: 'aws-cn' }))).toBe(
      JSON.stringify({
        Version: '2012-10-17',
        Statement: [
          {
            Sid: 'Second',
            Effect: 'Allow',
            Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:Describe*', 'ec2:runinstances'],
            Resource: ['a', 'z'],
            Condition: {
              Bool: { 'aws:securetransport': 'true' },
              StringLike: { 'aws:sourcearn': ['a', 'b'] }
            }
          },
          {
            Effect: 'Allow',
            Principal: {
              AWS: [`arn:aws-cn:iam::${ACCOUNT}:root`, ROLE],
              Service: 'ecs.amazonaws.com'
            },
            Action: '*'
          },
          { Effect: 'Deny', Principal: '*', NotAction: 'sts:AssumeRole' }
        ]
      })
    )
  })

  test('the managed policy is stable and equivalent forms agree', () => {
    const canonical = canonicalDocument(ECS_DOC)
    expect(canonical).toEqual(ECS_DOC)
    expect(
      canonicalDocument(
        identity(
          [...ECS_ACTIONS].reverse().map(a => a.toLowerCase()),
          ['*']
        )
      )
    ).toEqual(canonical)
    expect(canonicalDocument(canonical)).toEqual(canonical)
    expect(equivalentPolicies(canonical, ECS_DOC)).toBe(true)
  })
})

describe('PolicyError messages', () => {
  test.each<[string, JsonValue, string | RegExp]>([
    ['not an object', 'policy', 'policy document must be a JSON object, got "policy"'],
    ['an array', [SEED], 'policy document must be a JSON object, got an array'],
    [
      'unknown Version',
      { Version: '2010-01-01', Statement: [] },
      'Version must be "2012-10-17" or "2008-10-17", got "2010-01-01"'
    ],
    [
      'numeric Version',
      { Version: 2012, Statement: [] },
      'Version must be "2012-10-17" or "2008-10-17", got number 2012'
    ],
    ['no Statement', { Version: '2012-10-17' }, 'policy document has no Statement'],
    ['empty Statement', { Statement: [] }, 'Statement must not be an empty array'],
    [
      'Statement string',
      { Statement: 'Allow' },
      'Statement must be an object or an array of objects, got "Allow"'
    ],
    ['statement is an array', { Statement: [[]] }, 'Statement[0] must be an object, got an array'],
    [
      'lower-case Effect',
      {
        Statement: [
          { Effect: 'Allow', Action: 's:a' },
          { Effect: 'allow', Action: 's:a' }
        ]
      },
      'Statement[1].Effect must be "Allow" or "Deny", got "allow"'
    ],
    [
      'missing Effect',
      { Statement: { Action: 's:a' } },
      'Statement.Effect must be "Allow" or "Deny", got nothing'
    ],
    [
      'Action and NotAction',
      { Statement: [{ Effect: 'Allow', Action: 's:a', NotAction: 's:b' }] },
      'Statement[0] has both Action and NotAction; use exactly one'
    ],
    [
      'no Action',
      { Statement: [{ Effect: 'Allow', Principal: '*' }] },
      'Statement[0] needs Action or NotAction'
    ],
    [
      'Principal and NotPrincipal',
      { Statement: [{ Effect: 'Allow', Action: 's:a', Principal: '*', NotPrincipal: '*' }] },
      'Statement[0] has both Principal and NotPrincipal; use exactly one'
    ],
    [
      'Resource and NotResource',
      { Statement: [{ Effect: 'Allow', Action: 's:a', Resource: '*', NotResource: '*' }] },
      'Statement[0] has both Resource and NotResource; use exactly one'
    ],
    [
      'empty Action array',
      { Statement: [{ Effect: 'Allow', Action: [] }] },
      'Statement[0].Action must not be an empty array'
    ],
    [
      'Action number',
      { Statement: [{ Effect: 'Allow', Action: ['s:a', 3] }] },
      'Statement[0].Action[1] must be a non-empty string, got number 3'
    ],
    [
      'Action without service',
      { Statement: [{ Effect: 'Allow', Action: ['s:a', 'AssumeRole'] }] },
      'Statement[0].Action[1] must be "*" or "service:action", got "AssumeRole"'
    ],
    [
      'Principal string',
      { Statement: [{ Effect: 'Allow', Action: 's:a', Principal: 'ecs.amazonaws.com' }] },
      /^Statement\[0\]\.Principal must be "\*" or an object/
    ],
    [
      'unknown principal type',
      {
        Statement: [{ Effect: 'Allow', Action: 's:a', Principal: { service: 'ecs.amazonaws.com' } }]
      },
      /^Statement\[0\]\.Principal has unknown principal type "service"/
    ],
    [
      'empty principal list',
      { Statement: [{ Effect: 'Allow', Action: 's:a', Principal: { AWS: [] } }] },
      'Statement[0].Principal.AWS must not be an empty array'
    ],
    [
      'unknown statement key',
      { Statement: [{ Effect: 'Allow', action: 's:a' }] },
      /^Statement\[0\] has unknown key "action"/
    ],
    ['unknown top-level key', { Statment: [] }, /^policy document has unknown key "Statment"/],
    [
      'Condition array',
      { Statement: [{ Effect: 'Allow', Action: 's:a', Condition: [] }] },
      'Statement[0].Condition must be an object of {operator: {key: value}}, got an array'
    ],
    [
      'Condition value object',
      {
        Statement: [
          { Effect: 'Allow', Action: 's:a', Condition: { StringEquals: { 'aws:x': { a: 1 } } } }
        ]
      },
      'Statement[0].Condition.StringEquals.aws:x must be a string, number or boolean, got an object'
    ],
    [
      'Condition keys differing in case only',
      {
        Statement: [
          {
            Effect: 'Allow',
            Action: 's:a',
            Condition: { StringEquals: { 'aws:x': 'a', 'AWS:X': 'b' } }
          }
        ]
      },
      /repeats a condition key/
    ],
    [
      'Sid number',
      { Statement: [{ Sid: 1, Effect: 'Allow', Action: 's:a' }] },
      'Statement[0].Sid must be a string, got number 1'
    ]
  ])('%s', (_name, doc, message) => {
    expect(() => normalizePolicy(doc)).toThrow(PolicyError)
    expect(() => normalizePolicy(doc)).toThrow(message)
  })

  test('PolicyError is an Error with its own name', () => {
    const error = new PolicyError('x')
    expect(error).toBeInstanceOf(Error)
    expect(error.name).toBe('PolicyError')
  })

  test('normalizePolicy keeps the shape callers rely on', () => {
    const policy = normalizePolicy(SEED)
    expect(policy).toEqual({
      version: '2008-10-17',
      statements: [
        {
          path: 'Statement[0]',
          effect: 'Allow',
          principal: {
            negated: false,
            items: [{ type: 'Service', value: 'ecs.amazonaws.com', wildcard: false, root: false }]
          },
          action: { negated: false, items: ['sts:AssumeRole'] },
          conditions: []
        }
      ]
    })
  })
})

describe('glob containment', () => {
  test.each<[string, string, boolean]>([
    ['ec2:describeinstances', 'ec2:describe*', true],
    ['ec2:describe*', 'ec2:*', true],
    ['ec2:*', '*', true],
    ['ec2:describe*', 'ec2:describei*', false],
    ['ec2:*', 'ec2:describe*', false],
    ['*', 'ec2:*', false],
    ['a?c', 'a*', true],
    ['a?c', 'a?c', true],
    ['abc', 'a?c', true],
    ['a?c', 'abc', false],
    ['a*c', 'a?c', false],
    ['a*', 'a*', true],
    ['a*b*c', 'a*c', true],
    ['a*c', 'a*b*c', false],
    ['arn:aws:ec2:*:*:*', 'arn:aws:ec2:*', true],
    ['arn:aws:ec2:*', 'arn:aws:ec2:*:*:*', false],
    ['arn:aws:s3:::bucket/key', 'arn:aws:s3:::bucket/*', true],
    ['', '*', true],
    ['', '?', false],
    ['Abc', 'abc', false]
  ])('%s ⊆ %s is %s', (a, b, result) => {
    expect(globSubset(a, b)).toBe(result)
  })

  test.each<[string, string, boolean]>([
    ['ec2:describe*', 'ec2:describei*', true],
    ['ec2:describe*', 'ec2:run*', false],
    ['a*', '*b', true],
    ['a?', '?b', true],
    ['a?', 'b?', false],
    ['abc', 'abd', false],
    ['*x', 'y', false],
    ['*', '', true],
    ['a*z', '*m*', true],
    ['a*z', 'b*', false]
  ])('%s ∩ %s non-empty is %s', (a, b, result) => {
    expect(globIntersects(a, b)).toBe(result)
    expect(globIntersects(b, a)).toBe(result)
  })
})
