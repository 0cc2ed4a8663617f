/**
 * RunResult fixtures for the report renderers: one per status, plus a hostile role whose live
 * data tries to break out of markdown, and a generator of very large results for size budgets.
 */
import {
  AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT,
  DEFAULT_TRUST_POLICY
} from '../src/data/defaults.js'
import type {
  Caller,
  Change,
  DesiredRole,
  Finding,
  JsonValue,
  LiveRole,
  RunResult,
  Settings
} from '../src/types.js'

export const ACCOUNT = '123456789012'
export const ROLE_NAME = 'ecsServiceRole'
export const ROLE_ARN = `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`
export const POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'
const ADMIN_ARN = 'arn:aws:iam::aws:policy/AdministratorAccess'
const BOUNDARY_ARN = `arn:aws:iam::${ACCOUNT}:policy/platform-boundary`

/** The trust policy as the expected one is written (2012-10-17, no empty Sid). */
const WRITTEN_TRUST: JsonValue = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Principal: { Service: 'ecs.amazonaws.com' }, Action: 'sts:AssumeRole' }
  ]
}

const caller: Caller = {
  accountId: ACCOUNT,
  arn: `arn:aws:sts::${ACCOUNT}:assumed-role/gha-ecs-role-guard/GitHubActions`,
  userId: 'AROAEXAMPLEID:GitHubActions',
  partition: 'aws'
}

function settings(overrides: Partial<Settings> = {}): Settings {
  return {
    mode: 'enforce',
    failOn: 'error',
    roleName: ROLE_NAME,
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
    githubToken: 'not-a-token',
    awsRegion: 'us-east-1',
    maskAccountId: false,
    timeoutSeconds: 300,
    ...overrides
  }
}

const desired: DesiredRole = {
  name: ROLE_NAME,
  path: '/',
  trustPolicy: DEFAULT_TRUST_POLICY,
  managedPolicies: [
    {
      arn: POLICY_ARN,
      name: 'AmazonEC2ContainerServiceRole',
      expectedDocument: AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT
    }
  ],
  allowExtraPolicies: false
}

function liveRole(overrides: Partial<LiveRole> = {}): LiveRole {
  return {
    arn: ROLE_ARN,
    name: ROLE_NAME,
    path: '/',
    roleId: 'AROAQEXAMPLE7ROLEID01',
    createDate: '2016-03-01T12:00:00Z',
    trustPolicy: {
      Version: '2008-10-17',
      Statement: [
        {
          Sid: '',
          Effect: 'Allow',
          Principal: { Service: 'ecs.amazonaws.com' },
          Action: 'sts:AssumeRole'
        }
      ]
    },
    attachedPolicies: [{ arn: POLICY_ARN, name: 'AmazonEC2ContainerServiceRole' }],
    inlinePolicies: [],
    ...overrides
  }
}

function result(overrides: Partial<RunResult>): RunResult {
  const role = liveRole()
  return {
    settings: settings(),
    desired,
    caller,
    before: role,
    after: role,
    findings: [],
    remaining: [],
    changes: [],
    planned: [],
    notDone: [],
    status: 'compliant',
    drift: false,
    failed: false,
    notices: [],
    ...overrides
  }
}

// ---------------------------------------------------------------------------------------------

const roleMissing: Finding = {
  code: 'role-missing',
  severity: 'error',
  message: `Role ${ROLE_NAME} does not exist in this account.`,
  expected: ROLE_NAME,
  actual: null
}

const createRole: Change = {
  action: 'CreateRole',
  target: ROLE_ARN,
  before: null,
  after: {
    RoleName: ROLE_NAME,
    Path: '/',
    AssumeRolePolicyDocument: WRITTEN_TRUST,
    Description: 'Amazon ECS service scheduler role, managed by ecs-role-guard'
  }
}

const attachDefault: Change = {
  action: 'AttachRolePolicy',
  target: POLICY_ARN,
  before: null,
  after: POLICY_ARN
}

/** Drifted trust: a second account may assume the role, and ECS only under a condition. */
const driftedTrust: JsonValue = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: 'EcsWithCondition',
      Effect: 'Allow',
      Principal: { Service: 'ecs.amazonaws.com' },
      Action: 'sts:AssumeRole',
      Condition: { StringEquals: { 'aws:SourceAccount': ACCOUNT } }
    },
    {
      Sid: 'BreakGlass',
      Effect: 'Allow',
      Principal: { AWS: 'arn:aws:iam::999988887777:root' },
      Action: 'sts:AssumeRole'
    }
  ]
}

const changedPolicyDocument: JsonValue = {
  Version: '2012-10-17',
  Statement: [
    {
      Effect: 'Allow',
      Action: ['ec2:AuthorizeSecurityGroupIngress', 'ec2:Describe*', 'elasticloadbalancing:*'],
      Resource: '*'
    }
  ]
}

const debugInline: JsonValue = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: 's3:GetObject', Resource: 'arn:aws:s3:::ops-debug/*' }]
}

const trustBroader = (actual: JsonValue, details: string[]): Finding => ({
  code: 'trust-policy-broader',
  severity: 'error',
  message:
    'The trust policy lets a principal assume the role, or use an action, that the expected policy does not.',
  expected: DEFAULT_TRUST_POLICY,
  actual,
  details
})

const extraManaged = (arn: string, name: string): Finding => ({
  code: 'managed-policy-extra',
  severity: 'error',
  message: `Managed policy ${name} is attached but not expected.`,
  expected: null,
  actual: arn
})

const extraInline = (name: string): Finding => ({
  code: 'inline-policy-extra',
  severity: 'error',
  message: `Inline policy ${name} is not expected.`,
  expected: null,
  actual: name
})

const driftedFindings: Finding[] = [
  {
    code: 'path-mismatch',
    severity: 'warning',
    message: 'Role path is /legacy/, expected /; a path can only change by recreating the role.',
    expected: '/',
    actual: '/legacy/'
  },
  trustBroader(driftedTrust, [
    'Statement BreakGlass allows AWS principal arn:aws:iam::999988887777:root to call sts:AssumeRole.'
  ]),
  {
    code: 'trust-policy-narrower',
    severity: 'warning',
    message:
      'The trust policy restricts an expected grant (a Deny or a Condition); the service may fail to assume the role.',
    expected: DEFAULT_TRUST_POLICY,
    actual: driftedTrust,
    details: [
      'Statement EcsWithCondition adds a Condition (StringEquals aws:SourceAccount) to ecs.amazonaws.com.'
    ]
  },
  extraManaged(ADMIN_ARN, 'AdministratorAccess'),
  extraInline('debug-access'),
  {
    code: 'permissions-boundary',
    severity: 'warning',
    message: `A permissions boundary (${BOUNDARY_ARN}) limits what the role may do.`,
    expected: null,
    actual: BOUNDARY_ARN
  },
  {
    code: 'managed-policy-changed',
    severity: 'warning',
    message:
      'The default version (v3) of AmazonEC2ContainerServiceRole no longer matches the documented policy.',
    expected: AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT,
    actual: changedPolicyDocument,
    details: ['Action elasticloadbalancing:* is allowed, beyond the documented actions.']
  }
]

const driftedRole = liveRole({
  arn: `arn:aws:iam::${ACCOUNT}:role/legacy/${ROLE_NAME}`,
  path: '/legacy/',
  description: 'Created by hand in 2016; see ticket OPS-1234.',
  trustPolicy: driftedTrust,
  permissionsBoundaryArn: BOUNDARY_ARN,
  attachedPolicies: [
    { arn: POLICY_ARN, name: 'AmazonEC2ContainerServiceRole' },
    { arn: ADMIN_ARN, name: 'AdministratorAccess' }
  ],
  inlinePolicies: [{ name: 'debug-access', document: debugInline }]
})

// A repaired role: trust too broad, the managed policy missing, extras removed on request.
const repairedBefore = liveRole({
  trustPolicy: {
    Version: '2012-10-17',
    Statement: [
      {
        Effect: 'Allow',
        Principal: { Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] },
        Action: 'sts:AssumeRole'
      }
    ]
  },
  attachedPolicies: [{ arn: ADMIN_ARN, name: 'AdministratorAccess' }],
  inlinePolicies: [{ name: 'debug-access', document: debugInline }]
})

const repairedFindings: Finding[] = [
  trustBroader(repairedBefore.trustPolicy, [
    'Service principal ec2.amazonaws.com may call sts:AssumeRole.'
  ]),
  {
    code: 'managed-policy-missing',
    severity: 'error',
    message: 'Managed policy AmazonEC2ContainerServiceRole is not attached.',
    expected: POLICY_ARN,
    actual: null
  },
  extraManaged(ADMIN_ARN, 'AdministratorAccess'),
  extraInline('debug-access')
]

// ---------------------------------------------------------------------------------------------
// Hostile: live data that tries to inject HTML, break tables and fences, and emit commands.

const FENCE = '```'
const HOSTILE_TEXT = `Owned by <script>alert(1)</script> | team ${FENCE}\n::set-output name=x::y\n# heading @octocat [x](javascript:alert(1)) ~~s~~ *b* _i_ !`
const HOSTILE_PRINCIPAL = `arn:aws:iam::111122223333:role/\`evil\`|<script>x</script>\n::set-output name=x::y`
const HOSTILE_MANAGED_NAME = `Admin|<b>x</b>${FENCE}\n::error::boom`
const HOSTILE_MANAGED_ARN = `arn:aws:iam::111122223333:policy/${HOSTILE_MANAGED_NAME}`
const HOSTILE_INLINE_NAME = `${FENCE}\n::set-output name=x::y`
const HOSTILE_BOUNDARY = `arn:aws:iam::111122223333:policy/<img src=x onerror=alert(1)>|x`

const hostileTrust: JsonValue = {
  Version: '2012-10-17',
  Statement: [
    {
      Sid: `${FENCE}\n</details><script>alert(1)</script>`,
      Effect: 'Allow',
      Principal: {
        Service: 'ecs.amazonaws.com',
        AWS: [HOSTILE_PRINCIPAL, '::set-output name=x::y']
      },
      Action: 'sts:AssumeRole'
    }
  ]
}

const hostileInlineDocument: JsonValue = {
  Version: '2012-10-17',
  Statement: [{ Effect: 'Allow', Action: '*', Resource: `\`\`\`\`\` ${FENCE}\n::warning::pwned` }]
}

const hostileRole = liveRole({
  arn: `arn:aws:iam::${ACCOUNT}:role/${ROLE_NAME}`,
  description: HOSTILE_TEXT,
  trustPolicy: hostileTrust,
  permissionsBoundaryArn: HOSTILE_BOUNDARY,
  attachedPolicies: [
    { arn: POLICY_ARN, name: 'AmazonEC2ContainerServiceRole' },
    { arn: HOSTILE_MANAGED_ARN, name: HOSTILE_MANAGED_NAME }
  ],
  inlinePolicies: [{ name: HOSTILE_INLINE_NAME, document: hostileInlineDocument }]
})

const hostileFindings: Finding[] = [
  trustBroader(hostileTrust, [
    `Statement ${FENCE}\n</details> allows AWS principal ${HOSTILE_PRINCIPAL}.`,
    '::set-output name=x::y is allowed to call sts:AssumeRole.'
  ]),
  extraManaged(HOSTILE_MANAGED_ARN, HOSTILE_MANAGED_NAME),
  extraInline(HOSTILE_INLINE_NAME),
  {
    code: 'permissions-boundary',
    severity: 'warning',
    message: `A permissions boundary (${HOSTILE_BOUNDARY}) limits what the role may do.`,
    expected: null,
    actual: HOSTILE_BOUNDARY
  }
]

// ---------------------------------------------------------------------------------------------

/** The fixtures rendered to golden files, by name. */
export const fixtures = {
  compliant: result({}),
  missing: result({
    before: null,
    after: null,
    findings: [roleMissing],
    remaining: [roleMissing],
    planned: [createRole, attachDefault],
    status: 'missing',
    drift: true,
    failed: true
  }),
  drifted: result({
    before: driftedRole,
    after: driftedRole,
    findings: driftedFindings,
    remaining: driftedFindings,
    planned: [
      {
        action: 'UpdateAssumeRolePolicy',
        target: driftedRole.arn,
        before: driftedTrust,
        after: WRITTEN_TRUST
      }
    ],
    status: 'drifted',
    drift: true,
    failed: true
  }),
  created: result({
    settings: settings({ mode: 'create' }),
    before: null,
    after: liveRole({ createDate: '2026-05-04T10:00:00Z', trustPolicy: WRITTEN_TRUST }),
    findings: [roleMissing],
    remaining: [],
    changes: [createRole, attachDefault],
    planned: [createRole, attachDefault],
    status: 'created',
    drift: true,
    failed: false
  }),
  repaired: result({
    settings: settings({ mode: 'repair', removeExtraPolicies: true }),
    before: repairedBefore,
    after: liveRole({ trustPolicy: WRITTEN_TRUST }),
    findings: repairedFindings,
    remaining: [],
    changes: [
      {
        action: 'UpdateAssumeRolePolicy',
        target: ROLE_ARN,
        before: repairedBefore.trustPolicy,
        after: WRITTEN_TRUST
      },
      attachDefault,
      { action: 'DetachRolePolicy', target: ADMIN_ARN, before: ADMIN_ARN, after: null },
      { action: 'DeleteRolePolicy', target: 'debug-access', before: debugInline, after: null }
    ],
    status: 'repaired',
    drift: true,
    failed: false
  }),
  partial: result({
    settings: settings({ mode: 'repair', removeExtraPolicies: true }),
    before: repairedBefore,
    after: liveRole({
      ...repairedBefore,
      trustPolicy: WRITTEN_TRUST,
      attachedPolicies: [
        { arn: ADMIN_ARN, name: 'AdministratorAccess' },
        { arn: POLICY_ARN, name: 'AmazonEC2ContainerServiceRole' }
      ]
    }),
    findings: repairedFindings,
    remaining: repairedFindings.slice(2),
    changes: [
      {
        action: 'UpdateAssumeRolePolicy',
        target: ROLE_ARN,
        before: repairedBefore.trustPolicy,
        after: WRITTEN_TRUST
      },
      attachDefault
    ],
    planned: [],
    notDone: [
      { action: 'DetachRolePolicy', target: ADMIN_ARN, before: ADMIN_ARN, after: null },
      { action: 'DeleteRolePolicy', target: 'debug-access', before: debugInline, after: null }
    ],
    error:
      'iam:DetachRolePolicy was denied for arn:aws:sts::123456789012:assumed-role/gha-ecs-role-guard/GitHubActions on ecsServiceRole. Grant iam:DetachRolePolicy on the role to the CI role.',
    status: 'drifted',
    drift: true,
    failed: true
  }),
  hostile: result({
    settings: settings({ mode: 'audit', removeExtraPolicies: true }),
    before: hostileRole,
    after: hostileRole,
    findings: hostileFindings,
    remaining: hostileFindings,
    planned: [
      {
        action: 'UpdateAssumeRolePolicy',
        target: ROLE_ARN,
        before: hostileTrust,
        after: WRITTEN_TRUST
      },
      {
        action: 'DetachRolePolicy',
        target: HOSTILE_MANAGED_ARN,
        before: HOSTILE_MANAGED_ARN,
        after: null
      },
      {
        action: 'DeleteRolePolicy',
        target: HOSTILE_INLINE_NAME,
        before: hostileInlineDocument,
        after: null
      }
    ],
    status: 'drifted',
    drift: true,
    failed: false,
    notices: [
      'remove-extra-policies only applies in repair mode; in audit mode it changes nothing.'
    ]
  })
} satisfies Record<string, RunResult>

export type FixtureName = keyof typeof fixtures

export const FIXTURE_NAMES = Object.keys(fixtures) as FixtureName[]

/**
 * A drifted role with `count` extra managed policies (and as many changes recorded), each with
 * a long message: far beyond what a PR comment can hold.
 */
export function hugeResult(count: number, messageLength = 400): RunResult {
  const filler = 'x'.repeat(messageLength)
  const policies = Array.from({ length: count }, (_, i) => ({
    arn: `arn:aws:iam::${ACCOUNT}:policy/extra-policy-${i}`,
    name: `extra-policy-${i}`
  }))
  const findings = policies.map(p => ({
    ...extraManaged(p.arn, p.name),
    message: `Managed policy ${p.name} is attached but not expected | ${filler}`,
    details: [`detail for ${p.name}: ${filler}`]
  }))
  const role = liveRole({
    attachedPolicies: [{ arn: POLICY_ARN, name: 'AmazonEC2ContainerServiceRole' }, ...policies]
  })
  return result({
    settings: settings({ mode: 'repair', removeExtraPolicies: true }),
    before: role,
    after: role,
    findings,
    remaining: findings.slice(0, 1),
    changes: policies.slice(1).map(p => ({
      action: 'DetachRolePolicy',
      target: p.arn,
      before: p.arn,
      after: null
    })),
    status: 'drifted',
    drift: true,
    failed: true
  })
}
