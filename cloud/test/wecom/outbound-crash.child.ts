/**
 * A worker process for the crash test: sends due outbound rows and SIGKILLs itself right after
 * the KILL_AFTER-th call was accepted by WeCom (the simulator), before the row is recorded.
 * Env: CHILD_DB (JSON DataSource options), WECOM_BASE, WECOM_CORP_ID, WECOM_CONTACT_SECRET, KILL_AFTER.
 */
import 'reflect-metadata';
import { DataSource } from 'typeorm';
import { PlatformToken } from '../../src/platform/platform-token.entity';
import { HttpWecomClient } from '../../src/platform/wecom.client';
import { WecomContactApi } from '../../src/platform/wecom-externalcontact';
import { msgTemplateHandler } from '../../src/modules/wecom/msg-template.handler';
import { OutboundProcessor } from '../../src/modules/wecom/outbound';
import { WecomOutbound } from '../../src/modules/wecom/entities/outbound.entity';

async function main(): Promise<void> {
  const ds = new DataSource({ ...JSON.parse(process.env.CHILD_DB!), entities: [WecomOutbound, PlatformToken], synchronize: false, logging: false });
  await ds.initialize();
  const client = HttpWecomClient.create({
    config: {
      baseUrl: process.env.WECOM_BASE!,
      corpId: process.env.WECOM_CORP_ID!,
      contactSecret: process.env.WECOM_CONTACT_SECRET!,
      agentId: '1',
      agentSecret: 'x',
      callbackToken: 'x',
      encodingAESKey: 'abcdefghijklmnopqrstuvwxyz0123456789ABCDEFG',
    },
    tokenRepo: ds.getRepository(PlatformToken),
  });
  const api = WecomContactApi.with(client);
  const killAfter = Number(process.env.KILL_AFTER);
  let accepted = 0;
  const processor = new OutboundProcessor({
    manager: () => ds.manager,
    handlers: { msg_template: msgTemplateHandler(() => api) },
    concurrency: 1,
    hooks: {
      afterSend: () => {
        accepted += 1;
        // the platform has the message; the database does not know yet
        if (accepted === killAfter) process.kill(process.pid, 'SIGKILL');
      },
    },
  });
  await processor.runOnce({ limit: 100 });
  process.stdout.write('finished without being killed\n');
  await ds.destroy();
}

main().catch((err) => {
  console.error(err);
  process.exit(3);
});
