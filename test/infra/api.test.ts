/**
 * The REST API is derived from the catalog: every route exists and reaches its function through a
 * proxy integration; the JSON bodies are modelled (and validated by the handlers); the stage is throttled, traced and access-logged
 * without the approval id; CORS appears only on the JSON routes and only when configured, on the
 * preflight and (through the functions' origin list) on the real responses.
 */
import { FUNCTIONS } from '../../lambdas/catalog';
import { CORS_ORIGINS_ENV, corsHeaders, parseAllowedOrigins } from '../../lambdas/shared/cors';
import { apiMethods, functionLogicalId, resourcesOf, synth } from './helpers';

const s = synth();
const methods = apiMethods(s.stack);
const routes = FUNCTIONS.flatMap((f) => (f.routes ?? []).map((r) => ({ ...r, id: f.id })));
const render = (v: unknown) => JSON.stringify(v);

describe('REST API', () => {
  it.each(routes.map((r) => [`${r.method} ${r.path}`, r.id] as const))('%s → %s (Lambda proxy)', (key, id) => {
    const method = methods.get(key);
    expect(method).toBeDefined();
    expect(method.Integration.Type).toBe('AWS_PROXY');
    expect(render(method.Integration.Uri)).toContain(functionLogicalId(s, id));
  });

  it('has no methods beyond the catalog routes and HEAD on the approval page', () => {
    const expected = [...routes.map((r) => `${r.method} ${r.path}`), 'HEAD /approvals/{approvalId}'].sort();
    expect([...methods.keys()].sort()).toEqual(expected);
    expect(render(methods.get('HEAD /approvals/{approvalId}').Integration.Uri)).toContain(functionLogicalId(s, 'ApprovalPage'));
  });

  it('only API functions are integrated: task functions are unreachable from the internet', () => {
    const integrated = render([...methods.values()].map((m) => m.Integration.Uri));
    for (const f of FUNCTIONS.filter((x) => x.kind === 'task')) expect(integrated).not.toContain(functionLogicalId(s, f.id));
  });

  // Validation is the handler's (zod: `{ error: { code, message, fields } }` naming every field);
  // a gateway validator could only answer one string, so it is not attached. See MODELLED_BODY_ROUTES.
  it.each(['POST /requests', 'POST /routing/preview'])('%s documents its JSON body with the request model and leaves validation to the handler', (key) => {
    const method = methods.get(key);
    expect(method.RequestValidatorId).toBeUndefined();
    expect(Object.keys(method.RequestModels)).toEqual(['application/json']);
    const [model] = Object.values(resourcesOf(s.stack, 'AWS::ApiGateway::Model'));
    expect(model!.Properties.Schema).toMatchObject({
      type: 'object',
      additionalProperties: false,
      required: expect.arrayContaining(['policy', 'title', 'department', 'category', 'vendor', 'fundingSource']),
    });
  });

  it('has no gateway validator and no gateway body-error response: one error format, the handler\'s', () => {
    expect(Object.keys(resourcesOf(s.stack, 'AWS::ApiGateway::RequestValidator'))).toEqual([]);
    for (const m of methods.values()) expect(m.RequestValidatorId).toBeUndefined();
    const types = Object.values(resourcesOf(s.stack, 'AWS::ApiGateway::GatewayResponse')).map((r) => r.Properties.ResponseType);
    expect(types).not.toContain('BAD_REQUEST_BODY');
    expect(types).toContain('THROTTLED');
  });

  it('throttles, traces and measures the stage', () => {
    const [stage] = Object.values(resourcesOf(s.stack, 'AWS::ApiGateway::Stage'));
    expect(stage!.Properties).toMatchObject({ StageName: 'prod', TracingEnabled: true });
    expect(stage!.Properties.MethodSettings).toEqual([
      expect.objectContaining({
        HttpMethod: '*',
        ResourcePath: '/*',
        ThrottlingRateLimit: s.config.throttle.rateLimit,
        ThrottlingBurstLimit: s.config.throttle.burstLimit,
        MetricsEnabled: true,
        DataTraceEnabled: false,
        LoggingLevel: 'ERROR',
      }),
    ]);
  });

  it('takes throttling numbers from context', () => {
    const custom = synth({ stage: 'dev', throttleRate: '7', throttleBurst: '9' });
    const [stage] = Object.values(resourcesOf(custom.stack, 'AWS::ApiGateway::Stage'));
    expect(stage!.Properties.MethodSettings[0]).toMatchObject({ ThrottlingRateLimit: 7, ThrottlingBurstLimit: 9 });
  });

  it('writes JSON access logs to its own log group, with the route template and never the path (the approval id)', () => {
    const [stage] = Object.values(resourcesOf(s.stack, 'AWS::ApiGateway::Stage'));
    const setting = stage!.Properties.AccessLogSetting;
    expect(render(setting.DestinationArn)).toContain('ApiAccessLogs');
    const format = JSON.parse(setting.Format);
    expect(format.resourcePath).toBe('$context.resourcePath');
    expect(setting.Format).not.toMatch(/\$context\.path\b|requestOverride|\$input/);
  });

  it('has no CORS by default, neither preflight nor the origin list for responses', () => {
    expect([...methods.keys()].filter((k) => k.startsWith('OPTIONS'))).toEqual([]);
    for (const f of FUNCTIONS) {
      const env = s.stack.toJSON().Resources[functionLogicalId(s, f.id)].Properties.Environment.Variables;
      expect(env[CORS_ORIGINS_ENV]).toBeUndefined();
    }
  });

  it('gives the JSON API functions the allowed origins, so real responses carry Access-Control-Allow-Origin too', () => {
    const origins = 'https://purchasing.city.gov,https://intranet.city.gov';
    const withCors = synth({ stage: 'dev', corsOrigins: origins });
    for (const f of FUNCTIONS) {
      const env = withCors.stack.toJSON().Resources[functionLogicalId(withCors, f.id)].Properties.Environment.Variables;
      const servesJson = f.kind === 'api' && (f.routes ?? []).some((r) => !r.path.startsWith('/approvals') && r.path !== '/health');
      expect([f.id, env[CORS_ORIGINS_ENV]]).toEqual([f.id, servesJson ? origins : undefined]);
    }
    // The value the stack sets is the one the response code reads.
    const env = withCors.stack.toJSON().Resources[functionLogicalId(withCors, 'SubmitRequest')].Properties.Environment.Variables;
    expect([...parseAllowedOrigins(env[CORS_ORIGINS_ENV])]).toEqual(['https://purchasing.city.gov', 'https://intranet.city.gov']);
    expect(corsHeaders({ headers: { Origin: 'https://intranet.city.gov' } }, parseAllowedOrigins(env[CORS_ORIGINS_ENV])))
      .toMatchObject({ 'Access-Control-Allow-Origin': 'https://intranet.city.gov', Vary: 'Origin' });
  });

  it('adds CORS preflight only on the JSON routes when origins are configured, never on approval pages', () => {
    const withCors = apiMethods(synth({ stage: 'dev', corsOrigins: 'https://purchasing.city.gov' }).stack);
    const options = [...withCors.keys()].filter((k) => k.startsWith('OPTIONS')).sort();
    const jsonRoutes = [...new Set(FUNCTIONS.flatMap((f) => f.routes ?? []).map((r) => r.path))]
      .filter((p) => !p.startsWith('/approvals') && p !== '/health');
    expect(options).toEqual(jsonRoutes.map((p) => `OPTIONS ${p}`).sort());
    expect(options).toContain('OPTIONS /requests/{id}/cancel');
  });

  // Built from the RestApi id and the stage name (not api.url, whose stage reference would make a
  // cycle for an API-integrated function that sends mail).
  it('puts the API base URL (stage included) into the mail functions and those serving browsers (sessions) only', () => {
    for (const f of FUNCTIONS) {
      const env = s.stack.toJSON().Resources[functionLogicalId(s, f.id)].Properties.Environment.Variables;
      if (!f.sendsMail && (f.tables.sessions || f.signsIn)) {
        expect(render(env.PUBLIC_BASE_URL)).toMatch(/"Ref":"Api[0-9A-F]{8}".*\/prod\//);
        expect(env.MAIL_FROM).toBeUndefined();
      } else if (f.sendsMail) {
        expect(render(env.PUBLIC_BASE_URL)).toContain('execute-api');
        expect(render(env.PUBLIC_BASE_URL)).toMatch(/"Ref":"Api[0-9A-F]{8}".*\/prod\//);
        expect(render(env.PUBLIC_BASE_URL)).not.toContain('ApiDeploymentStage');
        expect(env).toMatchObject({ MAIL_FROM: 'purchasing@city.gov' });
      } else {
        expect(env.PUBLIC_BASE_URL).toBeUndefined();
        expect(env.MAIL_FROM).toBeUndefined();
      }
    }
  });

  it('uses the configured public base URL for links when given', () => {
    const custom = synth({ stage: 'dev', publicBaseUrl: 'https://purchasing.city.gov' });
    const env = custom.stack.toJSON().Resources[functionLogicalId(custom, 'RequestApproval')].Properties.Environment.Variables;
    expect(env.PUBLIC_BASE_URL).toBe('https://purchasing.city.gov/');
  });
});
