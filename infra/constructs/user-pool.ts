/**
 * Who may act, on AWS: a Cognito user pool playing the part the embedded OpenID provider plays in
 * `npm start` (local/identity-provider.ts). The API verifies its tokens the same way (JWKS
 * signature, issuer, expiry); see the README for what differs in Cognito's tokens.
 *
 * - People are created by an administrator (no self sign-up), with the directory's stable id as
 *   their username, so `username` in the access token is the person id; they may also sign in by
 *   email. The agency's own directory (Entra ID, Okta, Google) can be federated into the pool.
 * - Groups are the roles: the application roles and the policy roles of the shipped policies.
 * - A resource server names the API and its scope. The web pages' app client (`WebSignInClient`,
 *   below) belongs to the app stack: its callback and sign-out URLs are the API's own URL, which
 *   exists only there.
 * - Plus feature plan with threat protection enforced (compromised credentials, adaptive
 *   authentication); MFA optional so adaptive authentication can require it when a sign-in looks risky.
 */
import { CfnOutput, Duration, type RemovalPolicy, Stack, Validations } from 'aws-cdk-lib';
import * as cognito from 'aws-cdk-lib/aws-cognito';
import { Construct } from 'constructs';
import { BASE_ROLES } from '../../lambdas/domain/people';
import { createPolicyRegistry, shippedPolicies } from '../../lambdas/domain/policy';

/** The API as a resource server: the same identifier the local provider puts in `aud`. */
export const API_RESOURCE_SERVER_ID = 'purchase-approval';
export const API_SCOPE_NAME = 'requests';

export interface PeopleUserPoolProps {
  /** Names the pool and the sign-in domain. */
  readonly stage: string;
  /** Keep the pool (and so every person in it) when the stack goes. @default RemovalPolicy.RETAIN via the stage config */
  readonly removalPolicy: RemovalPolicy;
  /** Refuse to delete the pool through the API. @default true */
  readonly deletionProtection?: boolean;
  /** The deployment's own policies (`-c policyFile`), whose roles become groups too. @default none */
  readonly ownPolicies?: readonly unknown[];
  /**
   * Prefix of the Cognito sign-in domain (`<prefix>.auth.<region>.amazoncognito.com`); must be
   * unique in the region and may not contain "aws", "amazon" or "cognito".
   * @default `purchase-approval-<stage>-<account>`
   */
  readonly domainPrefix?: string;
}

/**
 * Every role a person can hold: the application roles, then the roles of the shipped base policies
 * and of the deployment's own policy (`-c policyFile`, already checked), if any.
 */
export function roleGroups(ownPolicies: readonly unknown[] = []): { name: string; description: string }[] {
  const groups = new Map<string, string>();
  for (const role of BASE_ROLES) groups.set(role, `Application role: ${role}`);
  const registry = ownPolicies.length ? createPolicyRegistry({ extra: [...ownPolicies] }) : shippedPolicies();
  for (const id of registry.ids()) {
    const policy = registry.get(id);
    if (policy.kind !== 'base') continue;
    for (const [roleId, role] of Object.entries(policy.roles))
      if (!groups.has(roleId)) groups.set(roleId, `${role.title} (policy ${policy.id})`);
  }
  return [...groups].map(([name, description]) => ({ name, description }));
}

export class PeopleUserPool extends Construct {
  readonly userPool: cognito.UserPool;
  readonly domain: cognito.UserPoolDomain;
  /** The hosted UI's logout endpoint (`https://<domain>/logout`): Cognito's RP-initiated sign-out. */
  readonly signOutUrl: string;
  /** `https://cognito-idp.<region>.amazonaws.com/<pool id>`: the `iss` of its tokens; JWKS at `<issuer>/.well-known/jwks.json`. */
  readonly issuer: string;

  constructor(scope: Construct, id: string, props: PeopleUserPoolProps) {
    super(scope, id);

    const pool = new cognito.UserPool(this, 'Pool', {
      userPoolName: `purchase-approval-${props.stage}`,
      selfSignUpEnabled: false,
      signInAliases: { username: true, email: true },
      signInCaseSensitive: false,
      autoVerify: { email: true },
      standardAttributes: { email: { required: true, mutable: true }, fullname: { required: true, mutable: true } },
      customAttributes: { department: new cognito.StringAttribute({ minLen: 1, maxLen: 200, mutable: true }) },
      passwordPolicy: { minLength: 14, requireLowercase: true, requireUppercase: true, requireDigits: true, requireSymbols: true, tempPasswordValidity: Duration.days(3) },
      mfa: cognito.Mfa.OPTIONAL,
      mfaSecondFactor: { otp: true, sms: false },
      featurePlan: cognito.FeaturePlan.PLUS,
      standardThreatProtectionMode: cognito.StandardThreatProtectionMode.FULL_FUNCTION,
      accountRecovery: cognito.AccountRecovery.EMAIL_ONLY,
      deletionProtection: props.deletionProtection ?? true,
      userInvitation: {
        emailSubject: 'Your purchase approval sign-in',
        emailBody: 'You can now sign in to purchase approvals. Username: {username} Temporary password: {####}',
      },
      removalPolicy: props.removalPolicy,
    });
    Validations.of(pool).acknowledge({
      id: 'AwsSolutions-COG2',
      reason:
        'MFA is optional on purpose: threat protection is enforced (Plus plan) and its adaptive authentication requires MFA when a ' +
        'sign-in looks risky, which Cognito supports only with MFA set to optional; federated agency directories (Entra ID, Okta, ' +
        'Google) enforce their own MFA, which Cognito does not repeat. Any person may still register a TOTP authenticator.',
    });

    roleGroups(props.ownPolicies).forEach(({ name, description }) => pool.addGroup(`Role-${name}`, { groupName: name, description }));

    const requests = new cognito.ResourceServerScope({ scopeName: API_SCOPE_NAME, scopeDescription: 'Purchase requests, as the signed-in person' });
    pool.addResourceServer('Api', { identifier: API_RESOURCE_SERVER_ID, userPoolResourceServerName: 'Purchase approval API', scopes: [requests] });

    this.domain = pool.addDomain('SignInDomain', {
      cognitoDomain: { domainPrefix: props.domainPrefix ?? `purchase-approval-${props.stage}-${Stack.of(this).account}` },
    });

    this.userPool = pool;
    this.issuer = pool.userPoolProviderUrl;
    this.signOutUrl = `${this.domain.baseUrl()}/logout`;
    new CfnOutput(this, 'Issuer', { value: this.issuer, description: 'OpenID issuer of the people who sign in (discovery at <issuer>/.well-known/openid-configuration)' });
    new CfnOutput(this, 'UserPoolId', { value: pool.userPoolId });
    new CfnOutput(this, 'SignInDomain', { value: this.domain.baseUrl(), description: 'Cognito sign-in pages (authorize, token, logout endpoints)' });
  }
}

export interface WebSignInClientProps {
  readonly userPool: cognito.IUserPool;
  /** `<public base URL>/auth/callback`: where the hosted UI sends the code. */
  readonly callbackUrls: string[];
  /** `<public base URL>/`: where Cognito's logout endpoint sends the browser back. */
  readonly logoutUrls: string[];
}

/**
 * The web pages' app client: public (no secret; PKCE), authorization code flow only, no implicit
 * flow, tokens revocable. Its access tokens carry `client_id` (no `aud`), which the API checks
 * (TOKEN_CLIENT_ID); the `<resource server>/requests` scope lets a script use the API with one.
 */
export class WebSignInClient extends Construct {
  readonly client: cognito.UserPoolClient;

  constructor(scope: Construct, id: string, props: WebSignInClientProps) {
    super(scope, id);
    this.client = new cognito.UserPoolClient(this, 'Client', {
      userPool: props.userPool,
      userPoolClientName: 'purchase-approval-web',
      generateSecret: false,
      authFlows: { userSrp: true },
      oAuth: {
        flows: { authorizationCodeGrant: true, implicitCodeGrant: false, clientCredentials: false },
        scopes: [cognito.OAuthScope.OPENID, cognito.OAuthScope.EMAIL, cognito.OAuthScope.PROFILE, cognito.OAuthScope.custom(`${API_RESOURCE_SERVER_ID}/${API_SCOPE_NAME}`)],
        callbackUrls: props.callbackUrls,
        logoutUrls: props.logoutUrls,
      },
      supportedIdentityProviders: [cognito.UserPoolClientIdentityProvider.COGNITO],
      preventUserExistenceErrors: true,
      enableTokenRevocation: true,
      accessTokenValidity: Duration.hours(1),
      idTokenValidity: Duration.hours(1),
      refreshTokenValidity: Duration.hours(8),
    });
    new CfnOutput(this, 'WebClientId', { value: this.client.userPoolClientId, description: 'App client of the web pages (authorization code + PKCE, no secret)' });
  }
}
