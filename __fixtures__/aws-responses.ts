/**
 * Response shapes as real AWS IAM returns them (documents URL-encoded, RFC 3986), where moto
 * differs: moto returns GetPolicyVersion documents as plain JSON and ignores ListRolePolicies paging.
 */
import type {
  GetPolicyCommandOutput,
  GetPolicyVersionCommandOutput,
  GetRoleCommandOutput,
  GetRolePolicyCommandOutput
} from '@aws-sdk/client-iam'
import type { GetCallerIdentityCommandOutput } from '@aws-sdk/client-sts'

const metadata = {
  httpStatusCode: 200,
  requestId: '4e1b8bd9-27f2-4f7f-9f55-1c1a7f6d2c0e',
  attempts: 1,
  totalRetryDelay: 0
}

export const ACCOUNT = '123456789012'
export const POLICY_ARN = 'arn:aws:iam::aws:policy/service-role/AmazonEC2ContainerServiceRole'

/** GetRole for the documented role, exactly as AWS encodes the trust policy. */
export const getRoleAws: GetRoleCommandOutput = {
  $metadata: metadata,
  Role: {
    Path: '/',
    RoleName: 'ecsServiceRole',
    RoleId: 'AROAEXAMPLEID0000001',
    Arn: `arn:aws:iam::${ACCOUNT}:role/ecsServiceRole`,
    CreateDate: new Date('2017-03-02T18:41:22Z'),
    AssumeRolePolicyDocument:
      '%7B%22Version%22%3A%222008-10-17%22%2C%22Statement%22%3A%5B%7B%22Sid%22%3A%22%22%2C%22Effect%22%3A%22Allow%22%2C%22Principal%22%3A%7B%22Service%22%3A%22ecs.amazonaws.com%22%7D%2C%22Action%22%3A%22sts%3AAssumeRole%22%7D%5D%7D',
    MaxSessionDuration: 3600,
    RoleLastUsed: { LastUsedDate: new Date('2026-11-20T09:12:00Z'), Region: 'us-east-1' }
  }
}

export const getPolicyAws: GetPolicyCommandOutput = {
  $metadata: metadata,
  Policy: {
    PolicyName: 'AmazonEC2ContainerServiceRole',
    PolicyId: 'ANPAJO53W2XHNACG7V77Q',
    Arn: POLICY_ARN,
    Path: '/service-role/',
    DefaultVersionId: 'v2',
    AttachmentCount: 1,
    PermissionsBoundaryUsageCount: 0,
    IsAttachable: true,
    Description: 'Default policy for Amazon ECS service role.',
    CreateDate: new Date('2015-04-09T16:14:19Z'),
    UpdateDate: new Date('2016-08-11T13:08:01Z')
  }
}

/** GetPolicyVersion v2 as AWS returns it: URL-encoded, with its original whitespace. */
export const getPolicyVersionAws: GetPolicyVersionCommandOutput = {
  $metadata: metadata,
  PolicyVersion: {
    Document:
      '%7B%0A%20%20%22Version%22%3A%20%222012-10-17%22%2C%0A%20%20%22Statement%22%3A%20%5B%0A%20%20%20%20%7B%0A%20%20%20%20%20%20%22Effect%22%3A%20%22Allow%22%2C%0A%20%20%20%20%20%20%22Action%22%3A%20%5B%0A%20%20%20%20%20%20%20%20%22ec2%3AAuthorizeSecurityGroupIngress%22%2C%0A%20%20%20%20%20%20%20%20%22ec2%3ADescribe%2A%22%2C%0A%20%20%20%20%20%20%20%20%22elasticloadbalancing%3ADeregisterInstancesFromLoadBalancer%22%2C%0A%20%20%20%20%20%20%20%20%22elasticloadbalancing%3ADeregisterTargets%22%2C%0A%20%20%20%20%20%20%20%20%22elasticloadbalancing%3ADescribe%2A%22%2C%0A%20%20%20%20%20%20%20%20%22elasticloadbalancing%3ARegisterInstancesWithLoadBalancer%22%2C%0A%20%20%20%20%20%20%20%20%22elasticloadbalancing%3ARegisterTargets%22%0A%20%20%20%20%20%20%5D%2C%0A%20%20%20%20%20%20%22Resource%22%3A%20%22%2A%22%0A%20%20%20%20%7D%0A%20%20%5D%0A%7D',
    VersionId: 'v2',
    IsDefaultVersion: true,
    CreateDate: new Date('2016-08-11T13:08:01Z')
  }
}

export const getRolePolicyAws: GetRolePolicyCommandOutput = {
  $metadata: metadata,
  RoleName: 'ecsServiceRole',
  PolicyName: 'legacy-extra',
  PolicyDocument:
    '%7B%22Version%22%3A%222012-10-17%22%2C%22Statement%22%3A%5B%7B%22Effect%22%3A%22Allow%22%2C%22Action%22%3A%22s3%3AGetObject%22%2C%22Resource%22%3A%22arn%3Aaws%3As3%3A%3A%3Aexample-bucket%2F%2A%22%7D%5D%7D'
}

export const callerAws: GetCallerIdentityCommandOutput = {
  $metadata: metadata,
  UserId: 'AROAEXAMPLECALLER0001:GitHubActions',
  Account: ACCOUNT,
  Arn: `arn:aws:sts::${ACCOUNT}:assumed-role/gha-ecs-role-guard/GitHubActions`
}
