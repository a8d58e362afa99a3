/**
 * The Cognito user pool as deployed: who may sign in and how, the roles as groups, the web
 * client's flows, and the outputs the app and the operator need. cdk-nag's verdict on it is part
 * of nag.test.ts (the whole app); here its acknowledgement is checked to be the only one.
 */
import { Match } from 'aws-cdk-lib/assertions';
import { BASE_ROLES } from '../../lambdas/domain/people';
import { roleGroups } from '../../infra/constructs/user-pool';
import { resourcesOf, synth, type Synthesized } from './helpers';

let s: Synthesized;
beforeAll(() => {
  s = synth();
});

describe('the user pool', () => {
  it('is one pool: no self sign-up, sign-in by username (the person id) or email, case-insensitive', () => {
    s.data.resourceCountIs('AWS::Cognito::UserPool', 1);
    s.data.hasResourceProperties('AWS::Cognito::UserPool', {
      AdminCreateUserConfig: { AllowAdminCreateUserOnly: true },
      AliasAttributes: ['email'],
      UsernameConfiguration: { CaseSensitive: false },
      AutoVerifiedAttributes: ['email'],
      Schema: Match.arrayWith([Match.objectLike({ Name: 'department', AttributeDataType: 'String', Mutable: true })]),
    });
  });

  it('enforces threat protection on the Plus plan, a strong password policy, and offers TOTP MFA (no SMS)', () => {
    s.data.hasResourceProperties('AWS::Cognito::UserPool', {
      UserPoolTier: 'PLUS',
      UserPoolAddOns: { AdvancedSecurityMode: 'ENFORCED' },
      MfaConfiguration: 'OPTIONAL',
      EnabledMfas: ['SOFTWARE_TOKEN_MFA'],
      Policies: { PasswordPolicy: Match.objectLike({ MinimumLength: 14, RequireLowercase: true, RequireUppercase: true, RequireNumbers: true, RequireSymbols: true }) },
      AccountRecoverySetting: { RecoveryMechanisms: [{ Name: 'verified_email', Priority: 1 }] },
    });
  });

  it('keeps the people: retained with deletion protection in prod', () => {
    const [pool] = Object.values(resourcesOf(s.data, 'AWS::Cognito::UserPool'));
    expect(pool!.DeletionPolicy).toBe('Retain');
    expect(pool!.Properties.DeletionProtection).toBe('ACTIVE');
  });

  it('has one group per role: the application roles and every policy role of sample-city', () => {
    const names = Object.values(resourcesOf(s.data, 'AWS::Cognito::UserPoolGroup')).map((g) => g.Properties.GroupName as string);
    expect(names).toEqual(expect.arrayContaining([...BASE_ROLES, 'purchasing-agent', 'finance-director', 'city-attorney', 'grants-manager', 'city-manager', 'city-council']));
    expect(new Set(names).size).toBe(names.length);
    expect(names).toHaveLength(roleGroups().length);
  });
});

describe('the web client and the API resource server', () => {
  it('the web client (in the app stack) is public (no secret) and uses the authorization code flow only, with the API scope', () => {
    s.data.resourceCountIs('AWS::Cognito::UserPoolClient', 0);
    s.stack.resourceCountIs('AWS::Cognito::UserPoolClient', 1);
    s.stack.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      GenerateSecret: false,
      AllowedOAuthFlows: ['code'],
      AllowedOAuthFlowsUserPoolClient: true,
      AllowedOAuthScopes: ['openid', 'email', 'profile', 'purchase-approval/requests'],
      SupportedIdentityProviders: ['COGNITO'],
      PreventUserExistenceErrors: 'ENABLED',
      EnableTokenRevocation: true,
    });
  });

  it('without a public base URL, the code goes to the API\'s own URL (its stage included), and sign-out comes back there', () => {
    const [client] = Object.values(resourcesOf(s.stack, 'AWS::Cognito::UserPoolClient'));
    const text = JSON.stringify(client!.Properties);
    expect(text).toMatch(/"CallbackURLs":\[\{"Fn::Join":\["",\["https:\/\/",\{"Ref":"Api\w+"\},".execute-api.us-east-1.",\{"Ref":"AWS::URLSuffix"\},"\/prod\/auth\/callback"\]\]\}\]/);
    expect(text).toMatch(/"LogoutURLs":\[\{"Fn::Join":\["",\["https:\/\/",\{"Ref":"Api\w+"\},".execute-api.us-east-1.",\{"Ref":"AWS::URLSuffix"\},"\/prod\/"\]\]\}\]/);
  });

  it('sends the code to the public base URL when there is one', () => {
    const withDomain = synth({ stage: 'prod', mailFrom: 'purchasing@city.gov', region: 'us-east-1', account: '123456789012', publicBaseUrl: 'https://purchasing.city.gov' });
    withDomain.stack.hasResourceProperties('AWS::Cognito::UserPoolClient', {
      CallbackURLs: ['https://purchasing.city.gov/auth/callback'],
      LogoutURLs: ['https://purchasing.city.gov/'],
    });
  });

  it('the sign-in function gets the client, the hosted UI\'s logout endpoint and the public base URL; the API functions check the client id', () => {
    const fns = Object.values(resourcesOf(s.stack, 'AWS::Lambda::Function'));
    const env = (id: string) => fns.find((f) => JSON.stringify(f.Properties.Description ?? '').includes(`${id} (api)`))!.Properties.Environment.Variables;
    const signIn = env('SignIn');
    expect(Object.keys(signIn)).toEqual(expect.arrayContaining(['SIGN_IN_CLIENT_ID', 'SIGN_OUT_URL', 'PUBLIC_BASE_URL', 'SESSIONS_TABLE', 'TOKEN_CLIENT_ID']));
    expect(JSON.stringify(signIn.SIGN_OUT_URL)).toMatch(/\/logout/);
    expect(signIn.SIGN_IN_CLIENT_ID).toEqual({ Ref: expect.stringMatching(/^WebSignInClient/) });
    expect(env('SubmitRequest').TOKEN_CLIENT_ID).toEqual(signIn.SIGN_IN_CLIENT_ID);
    expect(Object.keys(env('ApprovalPage'))).toEqual(expect.arrayContaining(['SESSIONS_TABLE', 'PUBLIC_BASE_URL']));
  });

  it('names the API as a resource server with the requests scope', () => {
    s.data.hasResourceProperties('AWS::Cognito::UserPoolResourceServer', {
      Identifier: 'purchase-approval',
      Scopes: [Match.objectLike({ ScopeName: 'requests' })],
    });
  });

  it('has a sign-in domain unique to stage and account', () => {
    s.data.hasResourceProperties('AWS::Cognito::UserPoolDomain', { Domain: 'purchase-approval-prod-123456789012' });
  });
});

describe('outputs', () => {
  it('give the issuer, the web client id, the pool id and the sign-in domain', () => {
    const outputs = Object.keys(s.data.findOutputs('*'));
    for (const name of ['Issuer', 'UserPoolId', 'SignInDomain']) expect(outputs.some((o) => o.startsWith('People') && o.includes(name))).toBe(true);
    expect(Object.keys(s.stack.findOutputs('*')).some((o) => o.startsWith('WebSignIn') && o.includes('WebClientId'))).toBe(true);
    const issuer = Object.entries(s.data.findOutputs('*')).find(([k]) => k.includes('Issuer'))![1] as { Value: unknown };
    // the pool's provider URL: https://cognito-idp.<region>.amazonaws.com/<pool id>
    expect(issuer.Value).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^PeoplePool/), 'ProviderURL'] });
  });
});

describe('cdk-nag', () => {
  it('the pool acknowledges only COG2 (MFA optional), with its reason', () => {
    const acks = s.stateful.people.node
      .findAll()
      .flatMap((c) => c.node.metadata.filter((m) => m.type === 'aws:cdk:acknowledged-rules').map((m) => Object.keys(m.data as object)))
      .flat();
    expect(acks).toEqual([expect.stringContaining('AwsSolutions-COG2')]);
  });
});
