/**
 * The project's own copy of the ECS service scheduler role as documented by AWS
 * ("Amazon ECS Service Scheduler IAM Role"): name, trust policy and managed policy.
 */
import type { JsonValue } from '../types.js'

export const DEFAULT_ROLE_NAME = 'ecsServiceRole'
export const DEFAULT_ROLE_PATH = '/'
export const DEFAULT_MANAGED_POLICY = 'service-role/AmazonEC2ContainerServiceRole'
export const SERVICE_PRINCIPAL = 'ecs.amazonaws.com'
export const SERVICE_LINKED_ROLE_NAME = 'AWSServiceRoleForECS'

/** The trust policy exactly as the ECS developer guide prints it. */
export const DEFAULT_TRUST_POLICY: JsonValue = {
  Version: '2008-10-17',
  Statement: [
    {
      Sid: '',
      Effect: 'Allow',
      Principal: { Service: SERVICE_PRINCIPAL },
      Action: 'sts:AssumeRole'
    }
  ]
}

/** The actions of AmazonEC2ContainerServiceRole, in AWS's own spelling. */
export const AMAZON_EC2_CONTAINER_SERVICE_ROLE_ACTIONS: readonly string[] = [
  'ec2:AuthorizeSecurityGroupIngress',
  'ec2:Describe*',
  'elasticloadbalancing:DeregisterInstancesFromLoadBalancer',
  'elasticloadbalancing:DeregisterTargets',
  'elasticloadbalancing:Describe*',
  'elasticloadbalancing:RegisterInstancesWithLoadBalancer',
  'elasticloadbalancing:RegisterTargets'
]

/** Default version (v2, since 2016-08-11) of the AWS managed policy AmazonEC2ContainerServiceRole. */
export const AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT: JsonValue = {
  Version: '2012-10-17',
  Statement: [
    { Effect: 'Allow', Action: [...AMAZON_EC2_CONTAINER_SERVICE_ROLE_ACTIONS], Resource: '*' }
  ]
}

/** Managed policies whose expected document is known, by `path/name`. */
export const KNOWN_POLICY_DOCUMENTS: Readonly<Record<string, JsonValue>> = {
  'service-role/AmazonEC2ContainerServiceRole': AMAZON_EC2_CONTAINER_SERVICE_ROLE_DOCUMENT
}
