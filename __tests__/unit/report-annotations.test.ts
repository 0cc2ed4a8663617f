import { FIXTURE_NAMES, fixtures, hugeResult } from '../../__fixtures__/results.js'
import { findingAnnotations, findingKey, isFixed } from '../../src/report/annotations.js'

describe('findingAnnotations', () => {
  it.each(FIXTURE_NAMES)('%s: one single-line annotation per finding as found', name => {
    const result = fixtures[name]
    const annotations = findingAnnotations(result)
    expect(annotations).toHaveLength(result.findings.length)
    annotations.forEach((a, i) => {
      const finding = result.findings[i]
      expect(a.title).toMatch(
        new RegExp(`^ecs-role-guard: ${finding?.code} on role ecsServiceRole`)
      )
      for (const text of [a.title, a.message]) {
        expect(text).not.toMatch(/[\r\n\u2028\u2029]/)
        expect(text).not.toMatch(/^\s*::/)
      }
    })
  })

  it('takes the level from the severity of findings that remain', () => {
    const annotations = findingAnnotations(fixtures.drifted)
    expect(annotations.map(a => a.level)).toEqual(fixtures.drifted.findings.map(f => f.severity))
    expect(annotations[1]).toEqual({
      level: 'error',
      title: 'ecs-role-guard: trust-policy-broader on role ecsServiceRole',
      message:
        'The trust policy lets a principal assume the role, or use an action, that the expected policy does not. (Statement BreakGlass allows AWS principal arn:aws:iam::999988887777:root to call sts:AssumeRole.)'
    })
  })

  it('reports findings the run fixed as notices', () => {
    const annotations = findingAnnotations(fixtures.repaired)
    expect(annotations.map(a => a.level)).toEqual(['notice', 'notice', 'notice', 'notice'])
    expect(annotations[0]?.title).toBe(
      'ecs-role-guard: trust-policy-broader on role ecsServiceRole (fixed)'
    )
    expect(annotations[0]?.message).toMatch(/^Fixed by this run: /)
  })

  it('flattens hostile text', () => {
    const messages = findingAnnotations(fixtures.hostile).map(a => a.message)
    expect(messages[2]).toBe('Inline policy ``` ::set-output name=x::y is not expected.')
    expect(messages[0]).toContain(':\u200b:set-output name=x::y is allowed')
  })

  it('drops details before clipping a long message', () => {
    const [first] = findingAnnotations(hugeResult(1, 3000))
    expect(first?.message.length).toBeLessThanOrEqual(2000)
    expect(first?.message).not.toContain('detail for')
    expect(first?.message.endsWith('…')).toBe(true)
    const [short] = findingAnnotations(hugeResult(1, 1200))
    expect(short?.message).not.toContain('detail for')
    expect(short?.message.endsWith('x')).toBe(true)
  })
})

describe('finding identity', () => {
  it('matches findings before and after a change by what they are about', () => {
    const [broader, missing, extra] = fixtures.repaired.findings
    expect(findingKey({ ...broader!, actual: { other: true } })).toBe(findingKey(broader!))
    expect(findingKey(missing!)).toContain('AmazonEC2ContainerServiceRole')
    expect(findingKey(extra!)).toContain('AdministratorAccess')
    expect(isFixed(fixtures.repaired, extra!)).toBe(true)
    expect(isFixed(fixtures.drifted, fixtures.drifted.findings[0]!)).toBe(false)
  })
})
