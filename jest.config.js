// Three suites kept apart (as in aws-samples/serverless-test-samples): unit tests run the pure
// core and handlers against fakes; infra tests synthesize the CDK app; integration tests start the
// embedded local stack on free ports and drive it over HTTP and the mail inbox like a person would.
const swc = ['@swc/jest', { jsc: { target: 'es2022' } }];
// jose and openid-client (with oauth4webapi) ship ES modules only: jest's CommonJS runtime needs
// them compiled like our own sources.
const transform = { '^.+\\.tsx?$': swc, '/node_modules/(jose|openid-client|oauth4webapi)/.+\\.js$': swc };
const common = { testEnvironment: 'node', transform, transformIgnorePatterns: ['/node_modules/(?!(jose|openid-client|oauth4webapi)/)'], moduleFileExtensions: ['ts', 'js', 'json'] };

/** @type {import('jest').Config} */
module.exports = {
  // The integration suites start real servers (dynalite, maildev's worker, HTTP); each suite stops
  // its stack, but a stray keep-alive socket must never keep CI waiting after the results are in.
  forceExit: true,
  projects: [
    { ...common, displayName: 'unit', testMatch: ['<rootDir>/test/unit/**/*.test.ts'] },
    { ...common, displayName: 'infra', testMatch: ['<rootDir>/test/infra/**/*.test.ts'] },
    { ...common, displayName: 'integration', testMatch: ['<rootDir>/test/integration/**/*.test.ts'] },
  ],
};
