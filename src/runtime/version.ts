/** Version of the runtime, reported to clients and recorded in run folders. Kept in step with package.json. */
export const RUNTIME_VERSION = '0.1.0';
