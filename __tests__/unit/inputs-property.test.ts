/**
 * Property tests of parseSettings (src/inputs.ts) over arbitrary inputs: random and huge strings
 * (up to 100 KB), unicode, line breaks, and JSON edge cases for trust-policy (deep nesting,
 * numbers, arrays, `__proto__` and other Object.prototype keys). Whatever the input, it returns
 * Settings that satisfy the contract (the README's Inputs table) or throws an InputError that
 * names the input, never another exception; and it touches nothing but its InputSource: inputs
 * it knows, three environment variables, and a file only for a trust-policy that is not inline
 * JSON. 2,500 generated cases in all (numRuns 1,500 + 1,000).
 */
import { jest } from '@jest/globals'
import fc from 'fast-check'
import path from 'node:path'
import {
  DEFAULT_MANAGED_POLICY,
  DEFAULT_ROLE_NAME,
  DEFAULT_TRUST_POLICY
} from '../../src/data/defaults.js'
import { InputError, parseSettings, type InputSource } from '../../src/inputs.js'
import { normalizePolicy } from '../../src/policy.js'
import type { Settings } from '../../src/types.js'

/** The inputs of action.yml. */
const INPUT_NAMES = [
  'mode',
  'fail-on',
  'role-name',
  'role-path',
  'trust-policy',
  'managed-policies',
  'allow-extra-policies',
  'remove-extra-policies',
  'allowed-account-ids',
  'comment',
  'github-token',
  'aws-region',
  'mask-account-id',
  'timeout-seconds'
] as const
type InputName = (typeof INPUT_NAMES)[number]
type Inputs = Partial<Record<InputName, string>>

/** The environment variables parseSettings may read. */
const ENV_NAMES = ['AWS_REGION', 'AWS_DEFAULT_REGION', 'GITHUB_WORKSPACE']

const NUM_RUNS_ALL_INPUTS = 1_500
const NUM_RUNS_TRUST_POLICY = 1_000
const MAX_HUGE = 100_000

// The contract's accepted values (the README's Inputs table), written out independently of src/.
const MODES = ['audit', 'enforce', 'create', 'repair']
const SEVERITIES = ['error', 'warning']
const COMMENT_MODES = ['on-drift', 'always', 'never']
const ROLE_NAME = /^[A-Za-z0-9+=,.@_-]{1,64}$/
const ROLE_PATH = /^\/(?:[\u0021-\u007E]*\/)?$/
const POLICY_ARN =
  /^arn:(aws|aws-cn|aws-us-gov):iam::(aws|\d{12}):policy\/(?:[\u0021-\u007E]*\/)?[A-Za-z0-9+=,.@_-]{1,128}$/
const AWS_MANAGED = /^(?:[A-Za-z0-9+=,.@_-]+\/)*[A-Za-z0-9+=,.@_-]{1,128}$/
const REGION = /^[a-z]{2}(?:-[a-z]+)+-\d{1,2}$/
const SETTINGS_KEYS = [
  'allowExtraPolicies',
  'allowedAccountIds',
  'awsRegion',
  'comment',
  'failOn',
  'githubToken',
  'managedPolicies',
  'maskAccountId',
  'mode',
  'removeExtraPolicies',
  'roleName',
  'rolePath',
  'timeoutSeconds',
  'trustPolicy',
  'trustPolicySource'
]

// ---------------------------------------------------------------------------------------------
// Arbitraries

/** Whitespace the runner or a YAML block may leave around a value. */
const padding = fc.constantFrom('', ' ', '  ', '\n', '\t', '\r\n', '\u00a0', '\ufeff', '\u2028')

function padded(value: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.tuple(padding, value, padding).map(([a, v, b]) => a + v + b)
}

/** Values that are not what any input expects, from short to 100 KB. */
const TRICKY = [
  '\u0000',
  '\n\n\n',
  ',,,',
  ' , \n ,',
  '${{ github.token }}',
  '::set-output name=x::y',
  '::add-mask::x',
  '<script>alert(1)</script>',
  '"',
  '\\',
  '%0A',
  '\ud800',
  '\u202e',
  'null',
  'undefined',
  'NaN',
  'Infinity',
  '-0',
  '[]',
  '{}',
  'true\nfalse',
  '__proto__',
  'constructor',
  'toString',
  'hasOwnProperty'
]

const hugeString = fc
  .tuple(
    fc.oneof(
      fc.string({ minLength: 1, maxLength: 12 }),
      fc.string({ unit: 'grapheme', minLength: 1, maxLength: 6 }),
      fc.constantFrom('a', 'a,', '\n', 'x/', '{"a":', '[', '\u{1F600}', 'é')
    ),
    fc.integer({ min: 1_000, max: MAX_HUGE })
  )
  .map(([unit, size]) => unit.repeat(Math.ceil(size / unit.length)).slice(0, size))

const noise = fc.oneof(
  fc.string({ maxLength: 40 }),
  fc.string({ unit: 'grapheme', maxLength: 40 }),
  fc.string({ unit: 'binary', maxLength: 40 }),
  fc.constantFrom(...TRICKY),
  fc
    .array(fc.oneof(fc.constantFrom(...TRICKY), fc.string({ maxLength: 6 })), { maxLength: 6 })
    .map(parts => parts.join(''))
)

const separator = fc.constantFrom(',', '\n', ', ', '\r\n', ' ,\n ')

function listOf(item: fc.Arbitrary<string>, maxLength: number): fc.Arbitrary<string> {
  return fc.tuple(fc.array(item, { maxLength }), separator).map(([items, sep]) => items.join(sep))
}

const booleanValue = fc.constantFrom(
  'true',
  'True',
  'TRUE',
  'false',
  'False',
  'FALSE',
  'yes',
  'no',
  '1',
  '0',
  'tRUE',
  'on'
)

const accountId = fc.oneof(
  fc.stringMatching(/^\d{12}$/),
  fc.constantFrom('123456789012', '12345678901', '1234567890123', '12345678901a', '١٢٣٤٥٦٧٨٩٠١٢')
)

const policyName = fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,20}$/)
const managedPolicy = fc.oneof(
  fc.constantFrom(
    DEFAULT_MANAGED_POLICY,
    'AdministratorAccess',
    'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole',
    'arn:aws-cn:iam::aws:policy/ReadOnlyAccess',
    'arn:aws-us-gov:iam::123456789012:policy/team/x',
    'arn:aws-iso:iam::aws:policy/X',
    'arn:aws:iam::aws:policy/',
    'arn:aws:iam::12345:policy/x',
    'service-role//x',
    '/service-role/x',
    'a b',
    'x'.repeat(129)
  ),
  fc
    .tuple(fc.array(policyName, { maxLength: 3 }), policyName)
    .map(([dirs, name]) => [...dirs, name].join('/')),
  fc
    .tuple(
      fc.constantFrom('aws', 'aws-cn', 'aws-us-gov'),
      fc.oneof(fc.constant('aws'), fc.stringMatching(/^\d{12}$/)),
      fc.stringMatching(/^(?:\/[\u0021-\u007E]{0,10})*\/$/),
      policyName
    )
    .map(([partition, account, p, name]) => `arn:${partition}:iam::${account}:policy${p}${name}`)
)

const region = fc.constantFrom(
  'us-east-1',
  'eu-central-2',
  'cn-north-1',
  'us-gov-west-1',
  'ap-southeast-10',
  'US-EAST-1',
  'us-east',
  'us-east-1a',
  'local',
  'us-east-123'
)

/** A trust policy statement built from plausible and implausible parts. */
const statement = fc.record(
  {
    Sid: fc.oneof(fc.constant(''), fc.string({ maxLength: 8 }), fc.constant(7)),
    Effect: fc.constantFrom('Allow', 'Deny', 'allow', 1),
    Principal: fc.oneof(
      fc.constant('*'),
      fc.record(
        {
          Service: fc.oneof(
            fc.constant('ecs.amazonaws.com'),
            fc.array(fc.string({ unit: 'grapheme', maxLength: 10 }), { maxLength: 3 })
          ),
          AWS: fc.oneof(
            fc.constant('arn:aws:iam::123456789012:root'),
            fc.constant(123456789012),
            fc.constant([])
          ),
          Federated: fc.string({ maxLength: 10 })
        },
        { requiredKeys: [] }
      ),
      fc.jsonValue({ maxDepth: 2 })
    ),
    NotPrincipal: fc.constant({ AWS: '*' }),
    Action: fc.oneof(
      fc.constantFrom('sts:AssumeRole', 'sts:*', '*', 'sts:assumerole', 'bad action', ''),
      fc.array(fc.constantFrom('sts:AssumeRole', 'sts:TagSession', 1), { maxLength: 3 })
    ),
    NotAction: fc.constant('iam:*'),
    Resource: fc.constant('*'),
    Condition: fc.oneof(
      fc.constant({ StringEquals: { 'aws:SourceAccount': '123456789012' } }),
      fc.constant({ NumericLessThan: { 'aws:MultiFactorAuthAge': 3600 } }),
      fc.jsonValue({ maxDepth: 3 })
    )
  },
  { requiredKeys: [] }
)

const documentObject = fc.record(
  {
    Version: fc.constantFrom('2012-10-17', '2008-10-17', '2012-10-18', 2012),
    Id: fc.oneof(fc.string({ maxLength: 8 }), fc.constant(null)),
    Statement: fc.oneof(
      fc.array(statement, { maxLength: 4 }),
      statement,
      fc.constantFrom(null, 1, 'x', [[]], [null])
    )
  },
  { requiredKeys: ['Statement'] }
)

/** A document IAM would accept, in its many equivalent spellings. */
const validDocument = fc.record(
  {
    Version: fc.constantFrom('2012-10-17', '2008-10-17'),
    Statement: fc.array(
      fc.record(
        {
          Sid: fc.oneof(fc.constant(''), fc.stringMatching(/^[A-Za-z0-9]{1,10}$/)),
          Effect: fc.constantFrom('Allow', 'Deny'),
          Principal: fc.oneof(
            fc.constant('*'),
            fc.constant({ Service: 'ecs.amazonaws.com' }),
            fc.constant({ Service: ['ecs.amazonaws.com', 'ec2.amazonaws.com'] }),
            fc.constant({ AWS: ['123456789012', 'arn:aws:iam::111122223333:root'] }),
            fc.record({ Federated: fc.string({ unit: 'grapheme', minLength: 1, maxLength: 20 }) })
          ),
          Action: fc.oneof(
            fc.constantFrom('sts:AssumeRole', 'STS:assumeRole', 'sts:*', '*'),
            fc.constant(['sts:AssumeRole', 'sts:TagSession'])
          ),
          Condition: fc.constant({ StringEquals: { 'aws:SourceAccount': ['123456789012', 7] } })
        },
        { requiredKeys: ['Effect', 'Principal', 'Action'] }
      ),
      { minLength: 1, maxLength: 4 }
    )
  },
  { requiredKeys: ['Statement'] }
)

const SEED_STATEMENT =
  '{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole"}'

/** JSON text for trust-policy, inline or in a file. */
const jsonText = fc.oneof(
  { weight: 3, arbitrary: validDocument.map(doc => JSON.stringify(doc)) },
  { weight: 4, arbitrary: documentObject.map(doc => JSON.stringify(doc)) },
  {
    weight: 2,
    arbitrary: documentObject.map(doc => JSON.stringify(doc, null, 2))
  },
  // Object.prototype keys, which JSON.parse makes own properties.
  {
    weight: 2,
    arbitrary: fc.constantFrom(
      `{"__proto__":{"Statement":[]},"Version":"2012-10-17","Statement":[${SEED_STATEMENT}]}`,
      `{"Version":"2012-10-17","Statement":[{"__proto__":{"Principal":"*"},"Effect":"Allow","Action":"sts:AssumeRole"}]}`,
      `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"__proto__":{"Service":"x"}},"Action":"sts:AssumeRole"}}`,
      `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"__proto__":{"a":"b"}}}}`,
      `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"__proto__":"x","constructor":"y"}}}}`,
      `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"constructor":{"toString":"x"}}}}`,
      `{"constructor":1,"Statement":[${SEED_STATEMENT}]}`,
      `{"Statement":[${SEED_STATEMENT}],"Statement":{"Effect":"Deny"}}`,
      `{"Version":"2012-10-17","Statement":[${SEED_STATEMENT}],"Version":2012}`
    )
  },
  // Numbers where strings belong, and numbers JSON cannot hold exactly.
  {
    weight: 1,
    arbitrary: fc.constantFrom(
      '{"Version":1e400,"Statement":[]}',
      '{"Version":-0,"Statement":{}}',
      `{"Statement":{"Effect":"Allow","Principal":{"AWS":123456789012},"Action":"sts:AssumeRole"}}`,
      `{"Statement":{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"NumericLessThan":{"a":1e400,"b":-0,"c":12345678901234567890}}}}`,
      '{"Statement":[1,2.5,-1e-400]}',
      '{"Statement":NaN}'
    )
  },
  // Deep nesting: arrays and objects, up to 100 KB.
  {
    weight: 2,
    arbitrary: fc
      .tuple(
        fc.integer({ min: 1, max: MAX_HUGE / 2 - 20 }),
        fc.constantFrom('array', 'object', 'condition')
      )
      .map(([depth, kind]) =>
        kind === 'array'
          ? `{"Statement":${'['.repeat(depth)}${']'.repeat(depth)}}`
          : kind === 'object'
            ? `{"Statement":${'{"a":'.repeat(Math.floor(depth / 5))}1${'}'.repeat(Math.floor(depth / 5))}}`
            : `{"Version":"2012-10-17","Statement":{"Effect":"Allow","Principal":{"Service":"ecs.amazonaws.com"},"Action":"sts:AssumeRole","Condition":{"StringEquals":{"k":${'['.repeat(depth)}"v"${']'.repeat(depth)}}}}}`
      )
  },
  // Arrays and other JSON that is not an object.
  {
    weight: 1,
    arbitrary: fc.oneof(
      fc.json({ maxDepth: 3 }),
      fc.constantFrom('[]', `[${SEED_STATEMENT}]`, 'null', '"x"', '1', 'true', '')
    )
  },
  // Almost JSON.
  {
    weight: 1,
    arbitrary: fc.constantFrom('{', '{"Statement":', '{}}', "{'Statement':[]}", '{"Statement":[],}')
  },
  // Many statements: a document over IAM's size, up to 100 KB.
  {
    weight: 1,
    arbitrary: fc
      .integer({ min: 1, max: Math.floor(MAX_HUGE / (SEED_STATEMENT.length + 1)) - 1 })
      .map(n => `{"Version":"2012-10-17","Statement":[${Array(n).fill(SEED_STATEMENT).join(',')}]}`)
  }
)

/** A trust-policy value that is not inline JSON: a path (inside the workspace or not). */
const pathValue = fc.oneof(
  fc.constantFrom(
    'trust.json',
    './policies/trust-policy.json',
    'policies/../trust.json',
    '../outside.json',
    '../../etc/passwd',
    '/etc/passwd',
    '.',
    './',
    '~/trust.json',
    'C:\\trust.json',
    'trust\u0000.json',
    'https://example.com/trust.json',
    'ẗrüst ✓.json',
    '[]',
    '1',
    'null',
    '"{}"'
  ),
  fc
    .string({ unit: 'grapheme', minLength: 1, maxLength: 30 })
    .filter(s => !s.trim().startsWith('{'))
)

const trustPolicyValue = fc.oneof(
  { weight: 1, arbitrary: fc.constant('') },
  { weight: 6, arbitrary: jsonText.filter(text => text.trim().startsWith('{')) },
  { weight: 3, arbitrary: pathValue },
  { weight: 1, arbitrary: padded(fc.constant(JSON.stringify(DEFAULT_TRUST_POLICY))) }
)

/** Mostly valid values, sometimes a near miss. */
function nearly(valid: fc.Arbitrary<string>, miss: fc.Arbitrary<string>): fc.Arbitrary<string> {
  return fc.oneof({ weight: 5, arbitrary: valid }, { weight: 1, arbitrary: miss })
}

/** Valid-looking values for one input (sometimes near misses). */
const plausible: Record<InputName, fc.Arbitrary<string>> = {
  mode: nearly(fc.constantFrom(...MODES), fc.constantFrom('Audit', 'fix')),
  'fail-on': nearly(fc.constantFrom(...SEVERITIES), fc.constantFrom('notice', 'Error')),
  'role-name': nearly(
    fc.stringMatching(/^[A-Za-z0-9+=,.@_-]{1,64}$/),
    fc.constantFrom('a'.repeat(65), 'ecs Service Role', 'ecs/ServiceRole', 'rôle')
  ),
  'role-path': nearly(
    fc.stringMatching(/^\/(?:[\u0021-\u007E]{0,30}\/)?$/),
    fc.constantFrom(
      `/${'p'.repeat(510)}/`,
      `/${'p'.repeat(511)}/`,
      'service-role/',
      '/a b/',
      '/é/',
      '//'
    )
  ),
  'trust-policy': trustPolicyValue,
  'managed-policies': fc.oneof(listOf(managedPolicy, 25), managedPolicy),
  'allow-extra-policies': booleanValue,
  'remove-extra-policies': booleanValue,
  'allowed-account-ids': listOf(accountId, 5),
  comment: nearly(fc.constantFrom(...COMMENT_MODES), fc.constant('sometimes')),
  'github-token': fc.oneof(fc.constant('ghs_0000000000000000000000000000000000fake'), noise),
  'aws-region': region,
  'mask-account-id': booleanValue,
  'timeout-seconds': fc.oneof(
    fc.integer({ min: -5, max: 4_000 }).map(String),
    fc.constantFrom('1e3', '0x10', '007', '1.5', '999999', '1000000', '3600', '3601', '١٢')
  )
}

/** Any value for one input: unset, plausible, padded, noise, or huge. */
function anyValue(name: InputName): fc.Arbitrary<string> {
  return fc.oneof(
    { weight: 4, arbitrary: fc.constant('') },
    { weight: 12, arbitrary: plausible[name] },
    { weight: 3, arbitrary: padded(plausible[name]) },
    { weight: 1, arbitrary: noise },
    { weight: 1, arbitrary: hugeString }
  )
}

const allInputs: fc.Arbitrary<Inputs> = fc.record(
  Object.fromEntries(INPUT_NAMES.map(name => [name, anyValue(name)])) as Record<
    InputName,
    fc.Arbitrary<string>
  >,
  { requiredKeys: [] }
)

/** Valid (or unset) values for every input but trust-policy, so the trust policy is reached. */
const validOtherInputs: fc.Arbitrary<Inputs> = fc.record(
  {
    mode: fc.constantFrom(...MODES),
    'fail-on': fc.constantFrom(...SEVERITIES),
    'role-name': fc.constantFrom('ecsServiceRole', 'my.Role+x@y'),
    'role-path': fc.constantFrom('/', '/service-role/'),
    'managed-policies': fc.constantFrom(DEFAULT_MANAGED_POLICY),
    'aws-region': fc.constantFrom('us-east-1', 'cn-north-1')
  },
  { requiredKeys: [] }
)

const environment = fc.record(
  {
    AWS_REGION: fc.oneof(region, noise),
    AWS_DEFAULT_REGION: fc.oneof(region, noise),
    GITHUB_WORKSPACE: fc.constantFrom(
      '/ws',
      '/home/runner/work/repo/repo',
      '/tmp/work space',
      '/ünïcødé/ws',
      '/c/a'
    )
  },
  { requiredKeys: ['GITHUB_WORKSPACE'] }
)

/** What readFile does: return a text, or fail as readFileSync fails. */
type FileBehaviour = { text: string } | { code: string }
const fileBehaviour: fc.Arbitrary<FileBehaviour> = fc.oneof(
  { weight: 3, arbitrary: fc.oneof(jsonText, noise, hugeString).map(text => ({ text })) },
  { weight: 2, arbitrary: validDocument.map(doc => ({ text: JSON.stringify(doc, null, 2) })) },
  {
    weight: 1,
    arbitrary: fc
      .constantFrom('ENOENT', 'EACCES', 'EISDIR', 'ENAMETOOLONG', 'ELOOP', 'ERR_INVALID_ARG_VALUE')
      .map(code => ({ code }))
  }
)

// ---------------------------------------------------------------------------------------------
// The source, recording every use

interface Recorded {
  source: InputSource
  gets: string[]
  envReads: string[]
  files: string[]
}

function recordingSource(
  inputs: Inputs,
  env: Record<string, string | undefined>,
  file: FileBehaviour
): Recorded {
  const gets: string[] = []
  const envReads: string[] = []
  const files: string[] = []
  const trap = (key: string | symbol): void => {
    envReads.push(String(key))
  }
  const envProxy = new Proxy(env, {
    get(target, key) {
      trap(key)
      return Reflect.get(target, key) as unknown
    },
    has(target, key) {
      trap(key)
      return Reflect.has(target, key)
    },
    ownKeys(target) {
      trap('(ownKeys)')
      return Reflect.ownKeys(target)
    }
  })
  return {
    gets,
    envReads,
    files,
    source: {
      get: name => {
        gets.push(name)
        return inputs[name as InputName] ?? ''
      },
      env: envProxy,
      readFile: name => {
        files.push(name)
        if ('code' in file) {
          throw Object.assign(new Error(`${file.code}: cannot read ${name}`), { code: file.code })
        }
        return file.text
      }
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Checks

const t = (inputs: Inputs, name: InputName): string => (inputs[name] ?? '').trim()

function listItems(raw: string): string[] {
  return raw
    .split(/[\n,]/)
    .map(s => s.trim())
    .filter(s => s !== '')
}

function isInside(workspace: string, file: string): boolean {
  return file === workspace || file.startsWith(workspace + path.sep)
}

/** Settings as the contract describes them, for these inputs. */
function expectValidSettings(
  s: Settings,
  inputs: Inputs,
  env: Record<string, string | undefined>
): void {
  expect(Object.keys(s).sort()).toEqual(SETTINGS_KEYS)
  expect(s.mode).toBe(t(inputs, 'mode') || 'enforce')
  expect(MODES).toContain(s.mode)
  expect(s.failOn).toBe(t(inputs, 'fail-on') || 'error')
  expect(SEVERITIES).toContain(s.failOn)
  expect(s.roleName).toBe(t(inputs, 'role-name') || DEFAULT_ROLE_NAME)
  expect(s.roleName).toMatch(ROLE_NAME)
  expect(s.rolePath).toBe(t(inputs, 'role-path') || '/')
  expect(s.rolePath).toMatch(ROLE_PATH)
  expect(s.rolePath.length).toBeLessThanOrEqual(512)

  const trust = t(inputs, 'trust-policy')
  expect(s.trustPolicySource).toBe(
    trust === '' ? 'default' : trust.startsWith('{') ? 'inline' : s.trustPolicySource
  )
  expect(
    ['default', 'inline'].includes(s.trustPolicySource) ||
      (!path.isAbsolute(s.trustPolicySource) && !s.trustPolicySource.startsWith('..'))
  ).toBe(true)
  expect(s.trustPolicy).toEqual(
    trust === '' ? DEFAULT_TRUST_POLICY : trust.startsWith('{') ? JSON.parse(trust) : s.trustPolicy
  )
  expect(typeof s.trustPolicy === 'object' && s.trustPolicy !== null).toBe(true)
  expect(Array.isArray(s.trustPolicy)).toBe(false)
  expect(Object.getPrototypeOf(s.trustPolicy)).toBe(Object.prototype)
  expect(() => normalizePolicy(s.trustPolicy)).not.toThrow()
  const statements = ([] as unknown[]).concat(
    (s.trustPolicy as { Statement?: unknown }).Statement ?? []
  )
  expect(statements.length).toBeGreaterThan(0)
  expect(
    statements.every(st =>
      Object.keys(st as object).some(k => k === 'Principal' || k === 'NotPrincipal')
    )
  ).toBe(true)

  expect(s.managedPolicies.length).toBeLessThanOrEqual(20)
  expect(
    s.managedPolicies.every(ref =>
      ref.kind === 'arn' ? POLICY_ARN.test(ref.arn) : AWS_MANAGED.test(ref.pathAndName)
    )
  ).toBe(true)
  const refKeys = s.managedPolicies.map(ref => (ref.kind === 'arn' ? ref.arn : ref.pathAndName))
  expect(new Set(refKeys).size).toBe(refKeys.length)
  expect(refKeys).toEqual([
    ...new Set(listItems(t(inputs, 'managed-policies') || DEFAULT_MANAGED_POLICY))
  ])

  const truthy = (name: InputName): boolean => ['true', 'True', 'TRUE'].includes(t(inputs, name))
  expect(s.allowExtraPolicies).toBe(truthy('allow-extra-policies'))
  expect(s.removeExtraPolicies).toBe(truthy('remove-extra-policies'))
  expect(s.maskAccountId).toBe(truthy('mask-account-id'))

  expect(s.allowedAccountIds).toEqual([...new Set(listItems(t(inputs, 'allowed-account-ids')))])
  expect(s.allowedAccountIds.every(id => /^\d{12}$/.test(id))).toBe(true)
  expect(s.comment).toBe(t(inputs, 'comment') || 'on-drift')
  expect(COMMENT_MODES).toContain(s.comment)
  expect(s.githubToken).toBe(t(inputs, 'github-token'))
  expect(s.awsRegion).toBe(
    t(inputs, 'aws-region') ||
      env.AWS_REGION?.trim() ||
      env.AWS_DEFAULT_REGION?.trim() ||
      'us-east-1'
  )
  expect(s.awsRegion).toMatch(REGION)
  expect(Number.isInteger(s.timeoutSeconds)).toBe(true)
  expect(s.timeoutSeconds).toBeGreaterThanOrEqual(1)
  expect(s.timeoutSeconds).toBeLessThanOrEqual(3600)
  expect(s.timeoutSeconds).toBe(Number(t(inputs, 'timeout-seconds') || '300'))
}

/** An InputError that names a known input; its message shows the value cut, not 100 KB. */
function expectInputError(error: unknown): void {
  expect(error).toBeInstanceOf(InputError)
  const e = error as InputError
  expect(e.name).toBe('InputError')
  expect(INPUT_NAMES).toContain(e.input)
  expect(e.message.startsWith(`Input "${e.input}" has an invalid value `)).toBe(true)
  expect(e.message.length).toBeLessThan(5_000)
}

/** Runs parseSettings on a recording source and checks the outcome and what it touched. */
function check(inputs: Inputs, env: Record<string, string | undefined>, file: FileBehaviour): void {
  const recorded = recordingSource(inputs, env, file)
  let settings: Settings | undefined
  let thrown: unknown
  try {
    settings = parseSettings(recorded.source)
  } catch (error) {
    thrown = error
  }
  expect(settings !== undefined || thrown !== undefined).toBe(true)
  // Exactly one of the two outcomes, each as the contract says.
  expect(settings === undefined ? 'threw' : 'settings').toBe(
    thrown === undefined ? 'settings' : 'threw'
  )
  if (settings !== undefined) expectValidSettings(settings, inputs, env)
  else expectInputError(thrown)

  // Nothing but the InputSource: known inputs, three variables, and a file only for a path.
  expect(recorded.gets.filter(name => !(INPUT_NAMES as readonly string[]).includes(name))).toEqual(
    []
  )
  expect(recorded.envReads.filter(name => !ENV_NAMES.includes(name))).toEqual([])
  const trust = t(inputs, 'trust-policy')
  const isPath = trust !== '' && !trust.startsWith('{')
  const workspace = path.resolve(env.GITHUB_WORKSPACE ?? '/')
  expect(recorded.files.length).toBeLessThanOrEqual(isPath ? 1 : 0)
  expect(recorded.files.filter(file => !isInside(workspace, file))).toEqual([])
  // A file named by trust-policy was read when the settings came back.
  expect(settings === undefined ? 0 : recorded.files.length).toBe(
    settings === undefined ? 0 : isPath ? 1 : 0
  )
}

// ---------------------------------------------------------------------------------------------

describe('parseSettings properties', () => {
  let cwd: jest.SpiedFunction<typeof process.cwd>
  beforeEach(() => {
    cwd = jest.spyOn(process, 'cwd')
  })
  afterEach(() => {
    cwd.mockRestore()
  })

  it(`arbitrary values for every input: valid Settings or an InputError (numRuns ${NUM_RUNS_ALL_INPUTS})`, () => {
    let runs = 0
    fc.assert(
      fc.property(allInputs, environment, fileBehaviour, (inputs, env, file) => {
        runs += 1
        check(inputs, env, file)
      }),
      { numRuns: NUM_RUNS_ALL_INPUTS }
    )
    expect(runs).toBe(NUM_RUNS_ALL_INPUTS)
    // GITHUB_WORKSPACE is always given: the process's working directory is never consulted.
    expect(cwd).not.toHaveBeenCalled()
  }, 120_000)

  it(`trust-policy edge cases, inline or from a file: valid Settings or an InputError (numRuns ${NUM_RUNS_TRUST_POLICY})`, () => {
    let runs = 0
    fc.assert(
      fc.property(
        validOtherInputs,
        trustPolicyValue,
        environment,
        fileBehaviour,
        (others, trust, env, file) => {
          runs += 1
          check({ ...others, 'trust-policy': trust }, env, file)
        }
      ),
      { numRuns: NUM_RUNS_TRUST_POLICY }
    )
    expect(runs).toBe(NUM_RUNS_TRUST_POLICY)
    expect(cwd).not.toHaveBeenCalled()
  }, 120_000)
})
