/**
 * `npm run admin -- <command>`: provisioning from a shell, safe against production (same rules and
 * audit trail as the ops page; every command is idempotent).
 */
import { parseArgs } from 'util';
import type { DataSource, EntityManager } from 'typeorm';
import { STAFF_ROLES, type StaffRole } from '../../../contracts/route';
import { loadEnv } from '../config/env';
import { AppError } from '../core/errors';
import { CLI_ACTOR, createAccount, generatePassword, hashPassword, passwordProblem, resetPassword, updateAccount } from '../modules/identity/accounts';
import { StaffUser } from '../modules/identity/entities/staff-user.entity';
import { openDataSource, pendingMigrations } from './datasource';

export const HELP = `usage: npm run admin -- <command> [options]

commands:
  create-admin --username <name> [--name <显示名>] [--password-stdin]
        create an HQ admin (the first one, or another). The password is generated and printed
        once, or read from stdin with --password-stdin; either way it must be changed at the
        first sign-in. Running it again for an existing admin changes nothing.
  create-staff --username <name> --role <${STAFF_ROLES.join('|')}> [--name <显示名>] [--store-id <id>] [--wecom-userid <id>]
        create any account (generated one-time password)
  reset-password --username <name>
        print a new one-time password; the account's sessions end
  disable --username <name>      disable an account (its sessions end)
  enable --username <name>       enable it again
  list                           accounts with role, store and state

Settings come from the environment like the server's (DATABASE_URL …; NODE_ENV unset = production
rules). Run \`npm run migrate\` first.
`;

export interface CliIo {
  out(line: string): void;
  err(line: string): void;
  readStdin(): Promise<string>;
}

const defaultIo: CliIo = {
  out: (l) => process.stdout.write(`${l}\n`),
  err: (l) => process.stderr.write(`${l}\n`),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
};

class UsageError extends Error {}

function need(value: string | undefined, flag: string): string {
  if (!value) throw new UsageError(`missing --${flag}`);
  return value;
}

async function byUsername(em: EntityManager, username: string): Promise<StaffUser> {
  const s = await em.findOne(StaffUser, { where: { username }, relations: { store: true } });
  if (!s) throw new UsageError(`no account named ${username}`);
  return s;
}

export async function runAdmin(
  argv: string[],
  io: CliIo = defaultIo,
  openDs: () => Promise<DataSource> = () => openDataSource(loadEnv()),
  /** false when the caller owns the data source (tests) */
  closeDs = true,
): Promise<number> {
  let parsed;
  try {
    parsed = parseArgs({
      args: argv,
      allowPositionals: true,
      options: {
        username: { type: 'string' },
        name: { type: 'string' },
        role: { type: 'string' },
        'store-id': { type: 'string' },
        'wecom-userid': { type: 'string' },
        'password-stdin': { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (err) {
    io.err(`${(err as Error).message}\n\n${HELP}`);
    return 2;
  }
  const { values: v, positionals } = parsed;
  const command = positionals[0];
  if (v.help || !command || command === 'help') {
    io.out(HELP);
    return command || v.help ? 0 : 2;
  }
  const known = ['create-admin', 'create-staff', 'reset-password', 'disable', 'enable', 'list'];
  if (!known.includes(command)) {
    io.err(`unknown command ${command}\n\n${HELP}`);
    return 2;
  }

  let ds: DataSource | null = null;
  try {
    // a password from stdin is read before anything else touches the terminal
    let chosen: string | null = null;
    if (v['password-stdin']) {
      chosen = (await io.readStdin()).replace(/\r?\n$/, '');
      const problem = passwordProblem(chosen, v.username);
      if (problem) throw new UsageError(problem);
    }
    ds = await openDs();
    const pending = await pendingMigrations(ds);
    if (pending.length) throw new UsageError(`the database schema is not up to date (${pending.length} pending): run \`npm run migrate\` first`);
    const em = ds.manager;

    switch (command) {
      case 'list': {
        const rows = await em.find(StaffUser, { relations: { store: true }, order: { id: 'ASC' } });
        io.out(['id', 'username', 'name', 'role', 'store', 'wecom', 'state'].join('\t'));
        for (const s of rows) {
          const state = !s.active ? (s.departedAt ? 'departed' : 'disabled') : s.mustChangePassword ? 'must-change-password' : 'active';
          io.out([s.id, s.username, s.displayName, s.role, s.store?.name ?? '-', s.wecomUserId ?? '-', state].join('\t'));
        }
        return 0;
      }
      case 'create-admin':
      case 'create-staff': {
        const username = need(v.username, 'username');
        if (!/^[a-zA-Z0-9_.-]{3,64}$/.test(username)) throw new UsageError('username: 3–64 letters, digits, _ . -');
        const role = (command === 'create-admin' ? 'hq_admin' : need(v.role, 'role')) as StaffRole;
        if (!STAFF_ROLES.includes(role)) throw new UsageError(`role must be one of ${STAFF_ROLES.join(', ')}`);
        const existing = await em.findOne(StaffUser, { where: { username } });
        if (existing) {
          if (existing.role === role) {
            io.out(`${username} already exists (${role}, ${existing.active ? 'active' : 'disabled'}): nothing changed. Use reset-password for a new password.`);
            return 0;
          }
          throw new UsageError(`${username} already exists with role ${existing.role}`);
        }
        const password = chosen ?? generatePassword();
        const passwordHash = await hashPassword(password);
        const storeId = v['store-id'] ? Number(v['store-id']) : null;
        if (storeId !== null && !Number.isInteger(storeId)) throw new UsageError('--store-id must be a number');
        const s = await ds.transaction((tx) =>
          createAccount(tx, CLI_ACTOR, {
            username,
            displayName: v.name ?? (role === 'hq_admin' ? '总部管理员' : username),
            role,
            storeId,
            wecomUserId: v['wecom-userid'] ?? null,
            passwordHash,
            mustChangePassword: true,
          }),
        );
        io.out(`created ${s.username} (${s.role}, id ${s.id}); the password must be changed at the first sign-in`);
        if (!chosen) io.out(`one-time password: ${password}`);
        return 0;
      }
      case 'reset-password': {
        const s = await byUsername(em, need(v.username, 'username'));
        const password = chosen ?? generatePassword();
        const hash = await hashPassword(password);
        await ds.transaction((tx) => resetPassword(tx, CLI_ACTOR, s.id, hash));
        io.out(`password of ${s.username} reset; sessions ended; it must be changed at the next sign-in`);
        if (!chosen) io.out(`one-time password: ${password}`);
        return 0;
      }
      case 'disable':
      case 'enable': {
        const s = await byUsername(em, need(v.username, 'username'));
        const active = command === 'enable';
        if (s.active === active) {
          io.out(`${s.username} is already ${active ? 'enabled' : 'disabled'}`);
          return 0;
        }
        await ds.transaction((tx) => updateAccount(tx, CLI_ACTOR, s.id, { active }));
        io.out(`${s.username} ${active ? 'enabled' : 'disabled'}`);
        return 0;
      }
    }
    return 2;
  } catch (err) {
    if (err instanceof UsageError) {
      io.err(`error: ${err.message}`);
      return 2;
    }
    if (err instanceof AppError) {
      io.err(`error: ${err.code} ${err.message}`);
      return 1;
    }
    io.err(`error: ${(err as Error).message}`);
    return 1;
  } finally {
    if (closeDs) await ds?.destroy();
  }
}

if (require.main === module) {
  runAdmin(process.argv.slice(2)).then((code) => process.exit(code));
}
