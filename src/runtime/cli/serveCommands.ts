/**
 * `model-lab models …`, `model-lab versions …` (the local registry, with gcloud ai-platform's verbs) and
 * `model-lab serve` (online prediction). Registry mistakes exit 2 (usage) or 1 (a conflict with what is
 * there); `serve` runs until SIGINT/SIGTERM, then shuts down gracefully and exits 0.
 */
import { type Command, Option } from 'commander';
import { ModelRegistry, RegistryError } from '../serving/registry';
import { DEFAULT_MAX_BODY_BYTES } from '../serving/server/server';
import { startServer } from '../serving/server/startServer';
import { CliError, EXIT } from './exitCodes';

function run<A extends unknown[]>(action: (...args: A) => Promise<number>) {
  return async (...args: A) => {
    try {
      process.exitCode = await action(...args);
    } catch (err) {
      if (err instanceof RegistryError) throw new CliError(err.message, err.kind === 'invalid' ? EXIT.usage : EXIT.failed);
      throw err;
    }
  };
}

const workspaceOption = () => new Option('--workspace <dir>', 'folder that holds .modellab/ (default: the current folder)').default('.');

function integer(name: string, min: number) {
  return (text: string): number => {
    const n = Number(text);
    if (!Number.isInteger(n) || n < min) throw new CliError(`${name} expects a whole number ≥ ${min}, got '${text}'`, EXIT.usage);
    return n;
  };
}

function table(rows: string[][]): string {
  const widths = rows[0].map((_, c) => Math.max(...rows.map((r) => r[c].length)));
  return rows.map((r) => r.map((cell, c) => cell.padEnd(widths[c])).join('  ').trimEnd()).join('\n');
}

function registerModels(program: Command): void {
  const models = program.command('models').description('The local model registry: models, each with versions (like gcloud ai-platform models).');
  models
    .command('create')
    .description('Create a model (it holds no version yet).')
    .argument('<model>', 'model name: a letter, then letters, digits and underscores')
    .option('--description <text>', 'what the model is for')
    .addOption(workspaceOption())
    .action(
      run(async (name: string, o: { description?: string; workspace: string }) => {
        await new ModelRegistry(o.workspace).createModel(name, o.description);
        console.log(`created model ${name}`);
        return EXIT.ok;
      }),
    );
  models
    .command('list')
    .description('List the models and their default versions.')
    .option('--json', 'print JSON')
    .addOption(workspaceOption())
    .action(
      run(async (o: { json?: boolean; workspace: string }) => {
        const list = await new ModelRegistry(o.workspace).listModels();
        if (o.json) console.log(JSON.stringify(list, null, 2));
        else if (list.length === 0) console.log('no models (create one with: model-lab models create <model>)');
        else console.log(table([['NAME', 'DEFAULT_VERSION_NAME', 'DESCRIPTION'], ...list.map((m) => [m.name, m.defaultVersion ?? '', m.description ?? ''])]));
        return EXIT.ok;
      }),
    );
  models
    .command('delete')
    .description('Delete a model that has no versions left.')
    .argument('<model>')
    .addOption(workspaceOption())
    .action(
      run(async (name: string, o: { workspace: string }) => {
        await new ModelRegistry(o.workspace).deleteModel(name);
        console.log(`deleted model ${name}`);
        return EXIT.ok;
      }),
    );
}

function registerVersions(program: Command): void {
  const versions = program.command('versions').description('Versions of a registry model (like gcloud ai-platform versions).');
  versions
    .command('create')
    .description("Add a version from a model folder (copied; the model's first version becomes its default).")
    .argument('<model>')
    .argument('<version>', 'version name: a letter, then letters, digits and underscores')
    .requiredOption('--origin <folder>', 'the model folder (a bundle, ONNX, XGBoost, Keras or scikit-learn folder)')
    .option('--description <text>', 'what changed in this version')
    .option('--link', 'serve the folder in place instead of copying it')
    .addOption(workspaceOption())
    .action(
      run(async (model: string, version: string, o: { origin: string; description?: string; link?: boolean; workspace: string }) => {
        const v = await new ModelRegistry(o.workspace).createVersion(model, version, o.origin, { description: o.description, link: o.link });
        console.log(`created version ${version} of model ${model} (${v.framework}${v.isDefault ? ', default' : ''})`);
        return EXIT.ok;
      }),
    );
  versions
    .command('list')
    .description("List a model's versions.")
    .argument('<model>')
    .option('--json', 'print JSON')
    .addOption(workspaceOption())
    .action(
      run(async (model: string, o: { json?: boolean; workspace: string }) => {
        const list = await new ModelRegistry(o.workspace).listVersions(model);
        if (o.json) console.log(JSON.stringify(list, null, 2));
        else if (list.length === 0) console.log(`model ${model} has no versions (add one with: model-lab versions create ${model} <version> --origin <folder>)`);
        else console.log(table([['NAME', 'DEFAULT', 'FRAMEWORK', 'STATE', 'CREATED', 'ORIGIN'], ...list.map((v) => [v.name, v.isDefault ? 'yes' : '', v.framework, v.state, v.createTime, v.origin])]));
        return EXIT.ok;
      }),
    );
  versions
    .command('set-default')
    .description('Make a version the one that …/models/<model>:predict uses (a running `serve --registry` switches without dropping requests).')
    .argument('<model>')
    .argument('<version>')
    .addOption(workspaceOption())
    .action(
      run(async (model: string, version: string, o: { workspace: string }) => {
        await new ModelRegistry(o.workspace).setDefaultVersion(model, version);
        console.log(`version ${version} is now the default of model ${model}`);
        return EXIT.ok;
      }),
    );
  versions
    .command('delete')
    .description('Delete a version (not the default while others exist).')
    .argument('<model>')
    .argument('<version>')
    .addOption(workspaceOption())
    .action(
      run(async (model: string, version: string, o: { workspace: string }) => {
        await new ModelRegistry(o.workspace).deleteVersion(model, version);
        console.log(`deleted version ${version} of model ${model}`);
        return EXIT.ok;
      }),
    );
}

interface ServeOptions {
  registry?: boolean;
  workspace: string;
  name: string;
  host?: string;
  port: number;
  token?: string;
  tlsCert?: string;
  tlsKey?: string;
  batching: boolean;
  maxBatchSize: number;
  batchTimeoutMicros: number;
  maxConcurrentBatches: number;
  maxBodyBytes: number;
  requestTimeoutMs: number;
  watchIntervalMs: number;
  shutdownTimeoutMs: number;
}

async function serveCommand(folder: string | undefined, o: ServeOptions): Promise<number> {
  const log = (line: string) => console.error(`model-lab serve: ${line}`);
  const token = o.token ?? (process.env.MODELLAB_SERVE_TOKEN || undefined);
  let started;
  try {
    started = await startServer({
      folder,
      name: o.name,
      registryWorkspace: o.registry ? o.workspace : undefined,
      watchIntervalMs: o.watchIntervalMs,
      host: o.host,
      port: o.port,
      token,
      tlsCert: o.tlsCert,
      tlsKey: o.tlsKey,
      batching: o.batching ? { maxBatchSize: o.maxBatchSize, batchTimeoutMicros: o.batchTimeoutMicros, maxConcurrentBatches: o.maxConcurrentBatches } : undefined,
      maxBodyBytes: o.maxBodyBytes,
      requestTimeoutMs: o.requestTimeoutMs,
      env: process.env,
      log,
    });
  } catch (err) {
    throw new CliError(err instanceof Error ? err.message : String(err), EXIT.usage);
  }
  const { server, models, url, mode } = started;
  // The token itself is never printed or logged.
  console.log(`serving ${models.models().join(', ') || 'no models yet'} (${mode}) on ${url}${token ? ' (bearer token required)' : ''}`);
  console.log(`  Cloud ML:   POST ${url}/v1/projects/<project>/models/<model>[/versions/<version>]:predict`);
  console.log(`  Vertex AI:  POST ${url}/v1/projects/<project>/locations/<location>/endpoints/<model>:predict`);
  console.log(`  TF Serving: POST ${url}/v1/models/<model>[/versions/<version>]:predict`);
  console.log(`  health: ${url}/healthz  ready: ${url}/readyz  metrics: ${url}/metrics`);
  await new Promise<void>((done) => {
    const stop = (signal: string) => {
      log(`${signal}: finishing ${server.inflightRequests} request(s) in flight, then exiting`);
      process.off('SIGINT', onInt);
      process.off('SIGTERM', onTerm);
      server.close(o.shutdownTimeoutMs).then(done, (err: unknown) => {
        log(`shutdown: ${err instanceof Error ? err.message : String(err)}`);
        done();
      });
    };
    const onInt = () => stop('SIGINT');
    const onTerm = () => stop('SIGTERM');
    process.on('SIGINT', onInt);
    process.on('SIGTERM', onTerm);
  });
  return EXIT.ok;
}

function registerServe(program: Command): void {
  program
    .command('serve')
    .description(
      'Online prediction over HTTP with the Cloud ML Engine, Vertex AI and TF Serving wire formats. With AIP_HTTP_PORT, AIP_PREDICT_ROUTE, ' +
        'AIP_HEALTH_ROUTE and AIP_STORAGE_URI set, serves that model as a Vertex AI custom container does.',
    )
    .argument('[model-folder]', 'serve this model folder (as --name, version v1)')
    .option('--registry', 'serve every model of the registry (.modellab/models), following its changes')
    .addOption(workspaceOption())
    .option('--name <model>', 'model name for a served folder', 'model')
    .option('--host <address>', 'address to bind (default 127.0.0.1; 0.0.0.0 in custom-container mode); other than loopback requires --token or TLS, except in custom-container mode')
    .option('--port <n>', 'port (0: any free port)', integer('--port', 0), 8080)
    .option('--token <secret>', 'require Authorization: Bearer <secret> (prefer MODELLAB_SERVE_TOKEN: a command line is visible to other users)')
    .option('--tls-cert <file>', 'serve HTTPS with this PEM certificate')
    .option('--tls-key <file>', 'private key of --tls-cert (PEM)')
    .option('--no-batching', 'send every request to the engine on its own')
    .option('--max-batch-size <n>', 'most instances per engine call (TF Serving max_batch_size)', integer('--max-batch-size', 1), 64)
    .option('--batch-timeout-micros <n>', 'longest a request waits for others to join its batch (TF Serving batch_timeout_micros)', integer('--batch-timeout-micros', 0), 1000)
    .option('--max-concurrent-batches <n>', 'engine calls at once per version (TF Serving num_batch_threads)', integer('--max-concurrent-batches', 1), 1)
    .option('--max-body-bytes <n>', 'payload limit; larger requests get 413', integer('--max-body-bytes', 1), DEFAULT_MAX_BODY_BYTES)
    .option('--request-timeout-ms <n>', 'a request must arrive whole within this (bounds slow clients)', integer('--request-timeout-ms', 1), 30_000)
    .option('--watch-interval-ms <n>', 'how often --registry looks for changes (set-default, new versions)', integer('--watch-interval-ms', 50), 1000)
    .option('--shutdown-timeout-ms <n>', 'on SIGINT/SIGTERM, longest wait for requests in flight', integer('--shutdown-timeout-ms', 0), 30_000)
    .action(run(serveCommand));
}

export function registerServeCommands(program: Command): void {
  registerModels(program);
  registerVersions(program);
  registerServe(program);
}
