import {
  GetPolicyCommand,
  GetPolicyVersionCommand,
  GetRoleCommand,
  IAMClient,
  ListAttachedRolePoliciesCommand,
  ListRolePoliciesCommand
} from '@aws-sdk/client-iam'
import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts'
import { mockClient } from 'aws-sdk-client-mock'
import {
  callerAws,
  getPolicyAws,
  getPolicyVersionAws,
  getRoleAws
} from '../../__fixtures__/aws-responses.js'
import { observe } from '../../src/check.js'
import { READ_CONCURRENCY } from '../../src/iam/read.js'
import { parseSettings } from '../../src/inputs.js'
import { Limiter } from '../../src/util/concurrency.js'

describe('Limiter', () => {
  it('never runs more than max tasks at once, and runs them all in order', async () => {
    const limiter = new Limiter(3)
    let active = 0
    let peak = 0
    const started: number[] = []
    const task = (i: number) => async () => {
      started.push(i)
      active++
      peak = Math.max(peak, active)
      await new Promise(resolve => setImmediate(resolve))
      active--
      return i
    }
    const results = await Promise.all(Array.from({ length: 10 }, (_, i) => limiter.run(task(i))))
    expect(results).toEqual([...Array(10).keys()])
    expect(started).toEqual([...Array(10).keys()])
    expect(peak).toBe(3)
  })

  it('frees the slot when a task fails', async () => {
    const limiter = new Limiter(1)
    await expect(limiter.run(() => Promise.reject(new Error('x')))).rejects.toThrow('x')
    await expect(limiter.run(() => Promise.resolve('next'))).resolves.toBe('next')
  })
})

describe('observing several roles at once', () => {
  it('overlaps their reads within one bounded pool of IAM requests', async () => {
    const iamMock = mockClient(IAMClient)
    const stsMock = mockClient(STSClient)
    let active = 0
    let peak = 0
    const slow =
      <T>(value: T) =>
      async (): Promise<T> => {
        active++
        peak = Math.max(peak, active)
        await new Promise(resolve => setTimeout(resolve, 5))
        active--
        return value
      }
    stsMock.on(GetCallerIdentityCommand).callsFake(slow(callerAws))
    iamMock.on(GetRoleCommand).callsFake(slow(getRoleAws))
    iamMock
      .on(ListAttachedRolePoliciesCommand)
      .callsFake(slow({ $metadata: {}, AttachedPolicies: [] }))
    iamMock.on(ListRolePoliciesCommand).callsFake(slow({ $metadata: {}, PolicyNames: [] }))
    iamMock.on(GetPolicyCommand).callsFake(slow(getPolicyAws))
    iamMock.on(GetPolicyVersionCommand).callsFake(slow(getPolicyVersionAws))
    const clients = {
      iam: new IAMClient({ region: 'us-east-1' }),
      sts: new STSClient({ region: 'us-east-1' })
    }
    const roles = ['roleA', 'roleB', 'roleC', 'roleD', 'roleE']
    const observations = await Promise.all(
      roles.map(name =>
        observe(
          parseSettings({ get: n => (n === 'role-name' ? name : ''), env: {}, readFile: () => '' }),
          clients
        )
      )
    )
    expect(observations).toHaveLength(5)
    // 5 roles x 6 reads: more than one role's worth in flight at once, never more than the pool.
    expect(peak).toBeGreaterThan(6)
    expect(peak).toBeLessThanOrEqual(READ_CONCURRENCY)
    expect(
      iamMock
        .commandCalls(GetRoleCommand)
        .map(c => c.args[0].input.RoleName)
        .sort()
    ).toEqual(roles)
  })
})
