import { and, asc, count, eq, inArray } from 'drizzle-orm';
import { z } from 'zod';
import { allShopsVisible, type Viewer } from '../../auth/viewer.js';
import type { DbOrTx } from '../../db/client.js';
import { paginate, type ConnectionArgs } from '../../db/paginate.js';
import { DomainError, InputErrors, notFound, type UserErrorShape } from '../../errors.js';
import { said } from '../../lib/issue-words.js';
import { groupByKeys } from '../../lib/group.js';
import { DAY_MS, isCalendarDate, lastFriday1700, shanghaiDate } from '../../lib/time.js';
import { moneyInput, optionalText, parseInput, text } from '../../lib/validate.js';
import { assertShopsVisible } from '../shop/shop.service.js';
import { operationPlans, planTasks, TASK_STATUSES, type PlanRow, type TaskRow, type TaskStatus } from './plan.table.js';
import { createOnce, requestIdInput } from '../../db/create-once.js';

const calendarDate = z.string().refine(isCalendarDate, said('must be a calendar day YYYY-MM-DD', '必须是日历日期 YYYY-MM-DD'));
const personDays = z
  .string()
  .regex(/^\d{1,5}(\.\d)?$/, said('person-days with at most one decimal, e.g. "2.5"', '人天数最多一位小数，例如 "2.5"'))
  .or(z.number().nonnegative().multipleOf(0.1).transform(String));

/** The plans of these ids the viewer may see: the loaders' query, and the edits' (under a row lock). */
function visiblePlans(db: DbOrTx, viewer: Viewer, ids: readonly string[]) {
  return db
    .select()
    .from(operationPlans)
    .where(and(inArray(operationPlans.id, [...ids]), allShopsVisible(viewer, operationPlans.shopIds)));
}

export async function loadPlans(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<PlanRow[]> {
  if (ids.length === 0) return [];
  return visiblePlans(db, viewer, ids);
}

export function listPlans(db: DbOrTx, viewer: Viewer, args: ConnectionArgs) {
  const where = allShopsVisible(viewer, operationPlans.shopIds);
  return paginate<PlanRow>(
    args,
    { column: operationPlans.periodStart, type: 'date', direction: 'desc', value: (p) => p.periodStart, idColumn: operationPlans.id, id: (p) => p.id },
    ({ bounds, orderBy, limit }) => db.select().from(operationPlans).where(and(where, bounds)).orderBy(...orderBy).limit(limit),
    async () => (await db.select({ n: count() }).from(operationPlans).where(where))[0]?.n ?? 0,
  );
}

// Tasks are visible exactly when their plan is.
const taskColumns = {
  id: planTasks.id,
  planId: planTasks.planId,
  title: planTasks.title,
  owner: planTasks.owner,
  startsOn: planTasks.startsOn,
  endsOn: planTasks.endsOn,
  budgetFen: planTasks.budgetFen,
  personDays: planTasks.personDays,
  status: planTasks.status,
  delayReason: planTasks.delayReason,
  catchUpPlan: planTasks.catchUpPlan,
  createdAt: planTasks.createdAt,
  updatedAt: planTasks.updatedAt,
};

/** The tasks of these ids in plans the viewer may see (a plan is visible when all its shops are). */
function visibleTasks(db: DbOrTx, viewer: Viewer, ids: readonly string[]) {
  return db
    .select(taskColumns)
    .from(planTasks)
    .innerJoin(operationPlans, eq(operationPlans.id, planTasks.planId))
    .where(and(inArray(planTasks.id, [...ids]), allShopsVisible(viewer, operationPlans.shopIds)));
}

export async function loadTasks(db: DbOrTx, viewer: Viewer, ids: readonly string[]): Promise<TaskRow[]> {
  if (ids.length === 0) return [];
  return visibleTasks(db, viewer, ids);
}

export async function tasksOfPlans(
  db: DbOrTx,
  viewer: Viewer,
  planIds: readonly string[],
  status: TaskStatus | null | undefined,
): Promise<TaskRow[][]> {
  if (planIds.length === 0) return [];
  const rows = await db
    .select(taskColumns)
    .from(planTasks)
    .innerJoin(operationPlans, eq(operationPlans.id, planTasks.planId))
    .where(
      and(
        inArray(planTasks.planId, [...planIds]),
        allShopsVisible(viewer, operationPlans.shopIds),
        status ? eq(planTasks.status, status) : undefined,
      ),
    )
    .orderBy(asc(planTasks.startsOn), asc(planTasks.id));
  return groupByKeys(planIds, rows, (t) => t.planId);
}

function periodProblems(start: string, end: string, endField: string[]): UserErrorShape[] {
  return end < start ? [{ field: endField, message: 'the end must not be before the start', messageZh: '结束日期不能早于开始日期', code: 'INVALID_WINDOW' }] : [];
}

function assertPeriod(start: string, end: string, endField: string[]) {
  const problems = periodProblems(start, end, endField);
  if (problems.length > 0) throw new InputErrors(problems);
}

/** A period as a create gives it, read on its own so its problem is told beside the other fields'. */
const PlanPeriod = z.object({ periodStart: calendarDate, periodEnd: calendarDate });
const TaskPeriod = z.object({ startsOn: calendarDate, endsOn: calendarDate });
const TaskDelay = z.object({ status: z.enum(TASK_STATUSES).nullish(), delayReason: z.string().nullish(), catchUpPlan: z.string().nullish() });

const CreatePlanInput = z.object({
  name: text(100),
  periodStart: calendarDate,
  periodEnd: calendarDate,
  goal: text(500),
  strategy: optionalText(4000),
  owner: text(50),
  shopIds: z.array(z.string()).min(1, said('a plan covers at least one shop', '计划至少覆盖一个店铺')),
  requestId: requestIdInput,
});

/** With a requestId, a retry answers with the plan the first request made (db/create-once.ts). */
export async function createPlan(db: DbOrTx, viewer: Viewer, input: unknown): Promise<PlanRow> {
  const { requestId, ...data } = parseInput(CreatePlanInput, input, (raw) => {
    const period = PlanPeriod.safeParse(raw);
    return period.success ? periodProblems(period.data.periodStart, period.data.periodEnd, ['input', 'periodEnd']) : [];
  });
  await assertShopsVisible(db, viewer, data.shopIds, ['input', 'shopIds']);
  const made = await createOnce(
    db,
    viewer,
    'Plan',
    { requestId, input: data },
    async (db, id) => {
      const [row] = await db
        .insert(operationPlans)
        .values({ ...data, id, strategy: data.strategy ?? '', shopIds: [...new Set(data.shopIds)] })
        .returning();
      return row!;
    },
    async (db, id) => (await loadPlans(db, viewer, [id]))[0],
  );
  return made.row;
}

const UpdatePlanInput = z.object({
  id: z.string(),
  name: text(100).nullish(),
  periodStart: calendarDate.nullish(),
  periodEnd: calendarDate.nullish(),
  goal: text(500).nullish(),
  strategy: optionalText(4000),
  owner: text(50).nullish(),
});

export async function updatePlan(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<PlanRow> {
  const data = parseInput(UpdatePlanInput, input);
  return db.transaction(async (tx) => {
    // Under the row lock, so an edit of one end of the period is checked against the other end as a
    // concurrent edit just committed it, not as it was: two valid moves cannot leave the period inverted.
    // NO KEY UPDATE, as the UPDATE takes anyway (and createTask, to count the plan's tasks), so the
    // foreign-key checks of rows inserted for the plan (key-share locks) need not wait.
    const [plan] = await visiblePlans(tx, viewer, [data.id]).for('no key update');
    if (!plan) throw notFound('Plan', ['input', 'id']);
    assertPeriod(data.periodStart ?? plan.periodStart, data.periodEnd ?? plan.periodEnd, ['input', 'periodEnd']);
    const [row] = await tx
      .update(operationPlans)
      .set({
        ...(data.name != null && { name: data.name }),
        ...(data.periodStart != null && { periodStart: data.periodStart }),
        ...(data.periodEnd != null && { periodEnd: data.periodEnd }),
        ...(data.goal != null && { goal: data.goal }),
        ...(data.strategy != null && { strategy: data.strategy }),
        ...(data.owner != null && { owner: data.owner }),
        updatedAt: now,
      })
      .where(eq(operationPlans.id, plan.id))
      .returning();
    return row!;
  });
}

const TaskFields = {
  title: text(200),
  owner: text(50),
  startsOn: calendarDate,
  endsOn: calendarDate,
  budget: moneyInput,
  personDays,
  status: z.enum(TASK_STATUSES),
  delayReason: optionalText(),
  catchUpPlan: optionalText(),
};

const CreateTaskInput = z.object({
  planId: z.string(),
  ...TaskFields,
  budget: TaskFields.budget.nullish(),
  personDays: TaskFields.personDays.nullish(),
  status: TaskFields.status.nullish(),
  requestId: requestIdInput,
});

/** Tasks one plan may have: every read of the plan sends them all, unpaged, and a quarter's plan has a few dozen. */
export const MAX_TASKS_PER_PLAN = 500;

/** With a requestId, a retry answers with the task the first request made (db/create-once.ts). */
export async function createTask(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<TaskRow> {
  const { requestId, ...data } = parseInput(CreateTaskInput, input, (raw) => {
    const period = TaskPeriod.safeParse(raw);
    const delay = TaskDelay.safeParse(raw);
    return [
      ...(period.success ? periodProblems(period.data.startsOn, period.data.endsOn, ['input', 'endsOn']) : []),
      ...(delay.success ? delayProblems(delay.data.status ?? 'NOT_STARTED', delay.data.delayReason?.trim(), delay.data.catchUpPlan?.trim()) : []),
    ];
  });
  const made = await createOnce(
    db,
    viewer,
    'PlanTask',
    { requestId, input: data },
    (db, id) => insertTask(db, viewer, id, data, now),
    async (db, id) => (await loadTasks(db, viewer, [id]))[0],
  );
  return made.row;
}

async function insertTask(db: DbOrTx, viewer: Viewer, id: string, data: Omit<z.infer<typeof CreateTaskInput>, 'requestId'>, now: Date): Promise<TaskRow> {
  return db.transaction(async (tx) => {
    // Creates on one plan queue at its row lock (NO KEY UPDATE, as updatePlan) and each counts after the one
    // before it committed, so two at one below the cap cannot both pass. The count is a statement of its own
    // after the lock: a statement sees the rows committed when it started, so one inside the locking
    // statement would count from before the wait.
    const [plan] = await visiblePlans(tx, viewer, [data.planId]).for('no key update');
    if (!plan) throw notFound('Plan', ['input', 'planId']);
    const status = data.status ?? 'NOT_STARTED';
    const [tasks] = await tx.select({ n: count() }).from(planTasks).where(eq(planTasks.planId, plan.id));
    if ((tasks?.n ?? 0) >= MAX_TASKS_PER_PLAN) {
      throw new DomainError('LIMIT_REACHED', { en: `a plan has at most ${MAX_TASKS_PER_PLAN} tasks`, zh: `一个计划最多 ${MAX_TASKS_PER_PLAN} 个任务` }, ['input', 'planId']);
    }
    const [row] = await tx
      .insert(planTasks)
      .values({
        id,
        planId: plan.id,
        title: data.title,
        owner: data.owner,
        startsOn: data.startsOn,
        endsOn: data.endsOn,
        budgetFen: data.budget ?? 0,
        personDays: data.personDays ?? '0',
        status,
        delayReason: data.delayReason || null,
        catchUpPlan: data.catchUpPlan || null,
        // The domain clock, not the database's: the weekly-update flag compares against it.
        createdAt: now,
        updatedAt: now,
      })
      .returning();
    return row!;
  });
}

const UpdateTaskInput = z.object({
  id: z.string(),
  title: TaskFields.title.nullish(),
  owner: TaskFields.owner.nullish(),
  startsOn: calendarDate.nullish(),
  endsOn: calendarDate.nullish(),
  budget: TaskFields.budget.nullish(),
  personDays: TaskFields.personDays.nullish(),
  status: TaskFields.status.nullish(),
  delayReason: optionalText(),
  catchUpPlan: optionalText(),
});

export async function updateTask(db: DbOrTx, viewer: Viewer, input: unknown, now: Date): Promise<TaskRow> {
  const data = parseInput(UpdateTaskInput, input);
  return db.transaction(async (tx) => {
    // The status and its explanation are written back from this read when the caller did not send them,
    // and the window is checked against it. Under the row lock a concurrent edit waits here and starts
    // from this one's committed row: a retitle cannot put a task just marked DELAYED back in progress.
    const [task] = await visibleTasks(tx, viewer, [data.id]).for('no key update', { of: planTasks });
    if (!task) throw notFound('Task', ['input', 'id']);
    assertPeriod(data.startsOn ?? task.startsOn, data.endsOn ?? task.endsOn, ['input', 'endsOn']);
    const status = data.status ?? task.status;
    const delayReason = data.delayReason === undefined ? task.delayReason : data.delayReason || null;
    const catchUpPlan = data.catchUpPlan === undefined ? task.catchUpPlan : data.catchUpPlan || null;
    assertDelayExplained(status, delayReason, catchUpPlan);
    const [row] = await tx
      .update(planTasks)
      .set({
        ...(data.title != null && { title: data.title }),
        ...(data.owner != null && { owner: data.owner }),
        ...(data.startsOn != null && { startsOn: data.startsOn }),
        ...(data.endsOn != null && { endsOn: data.endsOn }),
        ...(data.budget != null && { budgetFen: data.budget }),
        ...(data.personDays != null && { personDays: data.personDays }),
        status,
        delayReason,
        catchUpPlan,
        updatedAt: now,
      })
      .where(eq(planTasks.id, task.id))
      .returning();
    return row!;
  });
}

/** The manuals' rule: a DELAYED task needs a reason and a catch-up plan. */
function delayProblems(status: TaskStatus, delayReason: string | null | undefined, catchUpPlan: string | null | undefined): UserErrorShape[] {
  if (status !== 'DELAYED') return [];
  return [
    !delayReason && { field: ['input', 'delayReason'], message: 'a delayed task needs a reason', messageZh: '延期任务需要填写延期原因', code: 'DELAY_REASON_REQUIRED' as const },
    !catchUpPlan && { field: ['input', 'catchUpPlan'], message: 'a delayed task needs a catch-up plan', messageZh: '延期任务需要填写追赶计划', code: 'DELAY_REASON_REQUIRED' as const },
  ].filter((e) => e !== false);
}

function assertDelayExplained(status: TaskStatus, delayReason: string | null | undefined, catchUpPlan: string | null | undefined) {
  const errors = delayProblems(status, delayReason, catchUpPlan);
  if (errors.length > 0) throw new InputErrors(errors);
}

/**
 * A task nobody updated for the last weekly deadline: not in the week that ended at the last Friday 17:00,
 * nor since (DONE tasks need no update). An update on Friday at 16:59 is on time: the week's update is
 * due by 17:00, not after it. A task starting after that Friday owed nothing yet: 年货节选品 starting on the
 * 27th was flagged 未按时周更 on the 7th.
 */
export function isStale(task: Pick<TaskRow, 'status' | 'updatedAt' | 'startsOn'>, now: Date): boolean {
  const deadline = lastFriday1700(now);
  if (task.status === 'DONE' || task.startsOn > shanghaiDate(deadline)) return false;
  return task.updatedAt.getTime() < deadline.getTime() - 7 * DAY_MS;
}
