/**
 * Least privilege, derived from the catalog: each function may touch exactly the tables, state
 * machine actions, mail identities and secret its catalog entry names, and no statement anywhere
 * grants Resource "*" except the ones AWS requires (X-Ray, Step Functions log delivery). The
 * actions themselves are the ones the code sends: the AWS SDK commands imported under lambdas/
 * map to IAM actions, and the grants of all functions together are exactly that set.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { FUNCTIONS } from '../../lambdas/catalog';
import { TABLE_ACTIONS } from '../../infra/constructs/app-function';
import { TABLES, type TableKey } from '../../lambdas/shared/tables';
import { physicalTableName } from '../../infra/stacks/stateful-stack';
import { asArray, resourcesOf, statementsOf, synth } from './helpers';

const s = synth();
const WRITE_ACTIONS = ['dynamodb:PutItem', 'dynamodb:UpdateItem'];
const READ_ACTIONS = ['dynamodb:GetItem', 'dynamodb:Query'];
const TASK_RESPONSE = ['states:SendTaskSuccess', 'states:SendTaskFailure'];

/**
 * The IAM actions each AWS SDK command needs. A command missing here fails the test below: map it
 * (and grant it) when the code starts sending it.
 */
const COMMAND_ACTIONS: Record<string, string[]> = {
  GetCommand: ['dynamodb:GetItem'],
  PutCommand: ['dynamodb:PutItem'],
  UpdateCommand: ['dynamodb:UpdateItem'],
  QueryCommand: ['dynamodb:Query'],
  StartExecutionCommand: ['states:StartExecution'],
  SendTaskSuccessCommand: ['states:SendTaskSuccess'],
  SendTaskFailureCommand: ['states:SendTaskFailure'],
  GetSecretValueCommand: ['secretsmanager:GetSecretValue'],
  // SES v2 SendEmail (nodemailer's SES transport sends the raw MIME message through it).
  SendEmailCommand: ['ses:SendEmail'],
  // The documents bucket. HeadObject is authorized as GetObject; ListBucket makes a missing key a 404, not a 403.
  GetObjectCommand: ['s3:GetObject'],
  HeadObjectCommand: ['s3:GetObject', 's3:ListBucket'],
  PutObjectCommand: ['s3:PutObject'],
  CopyObjectCommand: ['s3:GetObject', 's3:PutObject'],
  DeleteObjectCommand: ['s3:DeleteObject'],
};

/** Every `…Command` imported from an AWS SDK package by the deployed code (lambdas/). */
function sdkCommandsInCode(): Set<string> {
  const found = new Set<string>();
  const visit = (dir: string) => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) visit(full);
      else if (entry.name.endsWith('.ts')) {
        const text = fs.readFileSync(full, 'utf8');
        for (const m of text.matchAll(/import\s*(?:type\s*)?\{([^}]*)\}\s*from\s*'@aws-sdk\/[^']+'/g)) {
          for (const name of m[1]!.split(',').map((n) => n.trim().replace(/^type\s+/, '').split(/\s+as\s+/)[0]!)) {
            if (/Command$/.test(name)) found.add(name);
          }
        }
      }
    }
  };
  visit(path.join(__dirname, '..', '..', 'lambdas'));
  return found;
}
const render = (v: unknown) => JSON.stringify(v);
const stateMachineArnPattern = /:stateMachine:purchase-approval-prod"?\]?\]?\}?$/;

/** Actions each function holds on each table, found by the table's name in the resource ARN. */
function tableActions(id: string): Partial<Record<TableKey, Set<string>>> {
  const out: Partial<Record<TableKey, Set<string>>> = {};
  for (const st of statementsOf(s, id)) {
    for (const resource of asArray(st.Resource)) {
      for (const key of Object.keys(TABLES) as TableKey[]) {
        if (!render(resource).includes(`:table/${physicalTableName('prod', TABLES[key])}`)) continue;
        const set = (out[key] ??= new Set());
        asArray<string>(st.Action).forEach((a) => set.add(a));
      }
    }
  }
  return out;
}

describe('IAM scoping per catalog function', () => {
  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: table grants match the catalog', (id, spec) => {
    const actions = tableActions(id);
    expect(Object.keys(actions).sort()).toEqual(Object.keys(spec.tables).sort());
    for (const [key, access] of Object.entries(spec.tables) as Array<[TableKey, 'read' | 'readWrite']>) {
      const held = [...actions[key]!].sort();
      expect(held).toEqual([...TABLE_ACTIONS[access]].sort());
      expect(held).toEqual(expect.arrayContaining(READ_ACTIONS));
      if (access === 'read') expect(held.filter((a) => WRITE_ACTIONS.includes(a))).toEqual([]);
      else expect(held).toEqual(expect.arrayContaining(WRITE_ACTIONS));
    }
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: only Query on global secondary indexes', (id) => {
    const onIndexes = statementsOf(s, id).filter((st) => asArray(st.Resource).some((r) => render(r).includes('/index/')));
    for (const st of onIndexes) {
      expect(asArray(st.Action)).toEqual(['dynamodb:Query']);
      expect(asArray(st.Resource)).toHaveLength(1);
    }
  });

  it('grants, over all functions, exactly the actions of the AWS SDK commands the code sends', () => {
    const commands = [...sdkCommandsInCode()].sort();
    expect(commands.filter((c) => !COMMAND_ACTIONS[c])).toEqual([]);
    const needed = new Set(commands.flatMap((c) => COMMAND_ACTIONS[c]!));
    const granted = new Set(
      FUNCTIONS.flatMap((f) => statementsOf(s, f.id))
        .flatMap((st) => asArray<string>(st.Action))
        // Platform plumbing, not calls of the code: writing its own log group, X-Ray segments.
        .filter((a) => !/^logs:(CreateLogStream|PutLogEvents)$|^xray:/.test(a)),
    );
    expect([...granted].sort()).toEqual([...needed].sort());
  });

  it.each(['dynamodb:Scan', 'dynamodb:BatchWriteItem', 'dynamodb:BatchGetItem', 'dynamodb:DeleteItem', 'dynamodb:DescribeTable',
    'dynamodb:GetRecords', 'dynamodb:GetShardIterator', 'dynamodb:DescribeStream', 'dynamodb:ListStreams', 'dynamodb:ConditionCheckItem',
    'states:SendTaskHeartbeat', 'ses:SendRawEmail', 'secretsmanager:DescribeSecret'])('no function holds %s (nothing calls it)', (action) => {
    const holders = FUNCTIONS.filter((f) => statementsOf(s, f.id).some((st) => asArray<string>(st.Action).includes(action)));
    expect(holders.map((f) => f.id)).toEqual([]);
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: state machine actions only as the catalog says, only on this machine', (id, spec) => {
    const statements = statementsOf(s, id).filter((st) => asArray<string>(st.Action).some((a) => a.startsWith('states:')));
    const actions = statements.flatMap((st) => asArray<string>(st.Action)).sort();
    if (spec.stateMachine === 'respond') expect(actions).toEqual([...TASK_RESPONSE].sort());
    else if (spec.stateMachine === 'start') expect(actions).toEqual(['states:StartExecution']);
    else expect(actions).toEqual([]);
    for (const st of statements) {
      for (const resource of asArray(st.Resource)) expect(render(resource)).toMatch(stateMachineArnPattern);
    }
  });

  it('names the state machine those grants point at', () => {
    s.stack.hasResourceProperties('AWS::StepFunctions::StateMachine', { StateMachineName: 'purchase-approval-prod' });
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: mail only when it sends mail, only as the verified sender', (id, spec) => {
    const ses = statementsOf(s, id).filter((st) => asArray<string>(st.Action).some((a) => a.startsWith('ses:')));
    if (!spec.sendsMail) return expect(ses).toEqual([]);
    expect(ses).toHaveLength(1);
    expect(asArray(ses[0].Action)).toEqual(['ses:SendEmail']);
    const resources = asArray(ses[0].Resource).map(render);
    expect(resources).toHaveLength(2);
    expect(resources.some((r) => r.includes(':identity/purchasing@city.gov'))).toBe(true);
    expect(resources.some((r) => r.includes(':identity/city.gov'))).toBe(true);
  });

  it.each(FUNCTIONS.map((f) => [f.id, f] as const))('%s: the link secret only when the catalog says so', (id, spec) => {
    const secret = statementsOf(s, id).filter((st) => asArray<string>(st.Action).some((a) => a.startsWith('secretsmanager:')));
    expect(secret.length > 0).toBe(Boolean(spec.linkSecret));
    for (const st of secret) {
      expect(asArray(st.Action)).toEqual(['secretsmanager:GetSecretValue']);
      expect(render(st.Resource)).toContain('LinkSigningSecret');
    }
  });

  it('grants the state machine invoke on exactly the task functions the ASL names, unqualified', () => {
    const machine = Object.values(resourcesOf(s.stack, 'AWS::StepFunctions::StateMachine'))[0]!;
    const roleId = machine.Properties.RoleArn['Fn::GetAtt'][0];
    const invoke = Object.values(resourcesOf(s.stack, 'AWS::IAM::Policy'))
      .filter((p) => p.Properties.Roles.some((r: any) => r.Ref === roleId))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .filter((st: any) => asArray(st.Action).includes('lambda:InvokeFunction'));
    const resources = invoke.flatMap((st: any) => asArray(st.Resource)).map(render).sort();
    const expected = FUNCTIONS.filter((f) => f.kind === 'task')
      .map((f) => render({ 'Fn::GetAtt': [s.stateless.getLogicalId(s.stateless.functions.get(f.id)!.node.defaultChild as any), 'Arn'] }))
      .sort();
    expect(resources).toEqual(expected);
  });

  it('has no Resource "*" except for X-Ray and Step Functions log delivery, which AWS requires', () => {
    const allowedStar = (action: string) => /^xray:/.test(action) || /^logs:(Create|Get|Update|Delete|List)LogDeliver(y|ies)$|^logs:(PutResourcePolicy|DescribeResourcePolicies|DescribeLogGroups)$/.test(action);
    const offenders: string[] = [];
    for (const t of [s.stack, s.data]) {
      for (const [id, p] of Object.entries(resourcesOf(t, 'AWS::IAM::Policy'))) {
        for (const st of p.Properties.PolicyDocument.Statement) {
          if (!asArray(st.Resource).includes('*')) continue;
          const bad = asArray<string>(st.Action).filter((a) => !allowedStar(a));
          if (bad.length) offenders.push(`${id}: ${bad.join(', ')}`);
        }
      }
    }
    expect(offenders).toEqual([]);
  });

  it('has no wildcard actions', () => {
    const wild = Object.values(resourcesOf(s.stack, 'AWS::IAM::Policy'))
      .flatMap((p) => p.Properties.PolicyDocument.Statement)
      .flatMap((st: any) => asArray<string>(st.Action))
      .filter((a) => a.includes('*') && a !== 'kms:GenerateDataKey*');
    expect(wild).toEqual([]);
  });

  it('writes each function log only to its own log group, without the AWS managed basic-execution policy', () => {
    for (const role of Object.values(resourcesOf(s.stack, 'AWS::IAM::Role'))) {
      if (render(role.Properties.AssumeRolePolicyDocument).includes('lambda.amazonaws.com')) {
        expect(role.Properties.ManagedPolicyArns).toBeUndefined();
      }
    }
    for (const spec of FUNCTIONS) {
      const logs = statementsOf(s, spec.id).filter((st) => asArray<string>(st.Action).includes('logs:PutLogEvents'));
      expect(logs).toHaveLength(1);
      expect(render(logs[0].Resource)).toContain(`${spec.id}Logs`);
    }
  });
});
