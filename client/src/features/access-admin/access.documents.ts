import { graphql, type ResultOf, type VariablesOf } from '../../graphql/graphql';
import { UserErrorFields } from '../../graphql/user-error-fields';

/** What the page shows of a key: never its secret. */
const ApiKeyFields = graphql(`
  fragment ApiKeyFields on ApiKey @_unmask {
    id
    name
    prefix
    scopes
    shops {
      id
      name
    }
    trustedDocumentsOnly
    expiresAt
    lastUsedAt
    revokedAt
    createdAt
  }
`);

/** The keys the caller manages (an ADMIN: every one), newest first; revoked ones when asked. */
export const ApiKeysQuery = graphql(
  `
    query ConsoleApiKeys($includeRevoked: Boolean!) {
      viewer {
        allShops
      }
      apiKeys(includeRevoked: $includeRevoked) {
        ...ApiKeyFields
      }
    }
  `,
  [ApiKeyFields],
);
export type ApiKeyView = ResultOf<typeof ApiKeysQuery>['apiKeys'][number];
export type ApiKeyScope = ApiKeyView['scopes'][number];

export const CreateApiKeyMutation = graphql(
  `
    mutation ConsoleCreateApiKey($input: CreateApiKeyInput!) {
      createApiKey(input: $input) {
        secret
        apiKey {
          ...ApiKeyFields
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [ApiKeyFields, UserErrorFields],
);
export type ApiKeyCreate = VariablesOf<typeof CreateApiKeyMutation>['input'];

export const RevokeApiKeyMutation = graphql(
  `
    mutation ConsoleRevokeApiKey($id: ID!) {
      revokeApiKey(input: { id: $id }) {
        apiKey {
          id
          revokedAt
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);

/** Every staff account (ADMIN only). */
export const UsersQuery = graphql(`
  query ConsoleUsers {
    users {
      id
      name
      email
      role
      shopIds {
        id
        name
      }
      disabled
      lockedUntil
      createdAt
    }
  }
`);
export type UserView = ResultOf<typeof UsersQuery>['users'][number];
export type Role = UserView['role'];

export const CreateUserMutation = graphql(
  `
    mutation ConsoleCreateUser($input: CreateUserInput!) {
      createUser(input: $input) {
        user {
          id
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
export type UserCreate = VariablesOf<typeof CreateUserMutation>['input'];

export const UpdateUserMutation = graphql(
  `
    mutation ConsoleUpdateUser($input: UpdateUserInput!) {
      updateUser(input: $input) {
        user {
          id
          role
          disabled
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
export type UserUpdate = VariablesOf<typeof UpdateUserMutation>['input'];

export const DisableUserMutation = graphql(
  `
    mutation ConsoleDisableUser($id: ID!) {
      disableUser(input: { id: $id }) {
        user {
          id
          disabled
        }
        userErrors {
          ...UserErrorFields
        }
      }
    }
  `,
  [UserErrorFields],
);
