import { builder } from '../../builder.js';
import { ChannelEnum } from '../../graphql/enums.js';
import { uuidNodeId } from '../../graphql/node-id.js';
import { asPayload, payloadType } from '../../graphql/user-error.js';
import { createShop, listShops, loadShops, updateShop } from './shop.service.js';
import type { ShopRow } from './shop.table.js';

export const ShopRef = builder.loadableNode('Shop', {
  description: 'A store on one platform (店铺).',
  id: uuidNodeId<ShopRow>(),
  load: (ids: string[], ctx) => loadShops(ctx.db, ctx.viewer, ids),
  sort: (shop) => shop.id,
  fields: (t) => ({
    name: t.exposeString('name'),
    platform: t.expose('platform', { type: ChannelEnum }),
    platformShopId: t.exposeString('platformShopId', { nullable: true }),
    active: t.exposeBoolean('active'),
    createdAt: t.expose('createdAt', { type: 'DateTime' }),
  }),
});

builder.queryField('shops', (t) =>
  t.connection({
    type: ShopRef,
    description: 'Shops the caller may see, oldest first.',
    resolve: (_root, args, ctx) => listShops(ctx.db, ctx.viewer, args),
  },
    { name: 'ShopConnection' },
    { name: 'ShopEdge' },
  ),
);

const CreateShopInput = builder.inputType('CreateShopInput', {
  fields: (t) => ({
    name: t.string({ required: true }),
    platform: t.field({ type: ChannelEnum, required: true }),
    platformShopId: t.string(),
  }),
});

const UpdateShopInput = builder.inputType('UpdateShopInput', {
  fields: (t) => ({
    id: t.globalID({ required: true, for: ShopRef }),
    name: t.string(),
    platformShopId: t.string(),
    active: t.boolean(),
  }),
});

builder.mutationFields((t) => ({
  createShop: t.field({
    type: payloadType('CreateShopPayload', 'shop', ShopRef),
    args: { input: t.arg({ type: CreateShopInput, required: true }) },
    resolve: (_root, { input }, ctx) => asPayload(() => createShop(ctx.db, ctx.viewer, input)),
  }),
  updateShop: t.field({
    type: payloadType('UpdateShopPayload', 'shop', ShopRef),
    args: { input: t.arg({ type: UpdateShopInput, required: true }) },
    resolve: (_root, { input }, ctx) =>
      asPayload(() => updateShop(ctx.db, ctx.viewer, { ...input, id: input.id.id }, ctx.now())),
  }),
}));
