/**
 * One process of the Cloudbase-path rush (cloudfunctions/order/concurrency.test.ts): as one
 * function instance of many, it has its own @cloudbase/node-sdk client (and socket pool) against
 * the emulator, and runs the order function's submits all at once.
 *
 *   node --import tsx scripts/local/testing/orderWorker.ts <emulatorUrl> <env>
 *
 * (The emulator ignores the env, but it is in every request's URL: the test tells the workers' requests apart by it.)
 *
 * Lines in, lines out: a JSON batch [{who, input}, …] is answered "armed"; "go" runs the armed
 * batch's submits all at once (so that every worker's overlap) and answers their results as one
 * JSON line. The worker serves batches until its stdin ends.
 */
import crypto from 'node:crypto';
import readline from 'node:readline';
import tcb from '@cloudbase/node-sdk';
import { CloudbaseStore } from '../../../cloudfunctions/_lib/data/cloudbaseStore';
import { useLocalCloudbaseEnv } from '../../../cloudfunctions/_lib/data/testing/cloudbaseTestStore';
import { loadConfig } from '../../../cloudfunctions/_lib/config';
import { main } from '../../../cloudfunctions/order/index';

async function run(): Promise<void> {
  const [url, env] = process.argv.slice(2);
  useLocalCloudbaseEnv();
  const db = tcb.init({ env, serviceUrl: url, secretId: 'emulator', secretKey: 'emulator' } as never).database();
  const store = new CloudbaseStore(db);
  const config = loadConfig();
  let batch: { who: string; input: unknown }[] = [];
  for await (const line of readline.createInterface({ input: process.stdin })) {
    if (line !== 'go') {
      batch = JSON.parse(line) as typeof batch;
      console.log('armed');
      continue;
    }
    const results = await Promise.all(
      batch.map(({ who, input }) =>
        main({ action: 'submit', input }, {
          request_id: crypto.randomUUID(),
          environ: `WX_OPENID=${who};WX_APPID=local-dinghuo;TCB_ENV=local`,
          dinghuoLocal: { store, now: Date.now(), config },
        }),
      ),
    );
    console.log(JSON.stringify(results));
  }
}

run().then(
  () => process.exit(0),
  (e) => {
    console.error(e);
    process.exit(1);
  },
);
