import { graphql } from '../graphql/graphql';

/** What the screen keeps of a staff session; signIn and refreshSession both answer with it. */
export const SessionFields = graphql(`
  fragment SessionFields on Session {
    accessToken
    expiresAt
    refreshToken
    refreshExpiresAt
    user {
      id
      name
      role
    }
  }
`);

export const SignInMutation = graphql(
  `
    mutation SignIn($email: String!, $password: String!) {
      signIn(input: { email: $email, password: $password }) {
        session {
          ...SessionFields
        }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `,
  [SessionFields],
);

export const RefreshSessionMutation = graphql(
  `
    mutation RefreshSession($refreshToken: String!) {
      refreshSession(input: { refreshToken: $refreshToken }) {
        session {
          ...SessionFields
        }
        userErrors {
          code
          message
          messageZh: message(locale: ZH_CN)
        }
      }
    }
  `,
  [SessionFields],
);

export const SignOutMutation = graphql(`
  mutation SignOut {
    signOut {
      userErrors {
        message
        messageZh: message(locale: ZH_CN)
      }
    }
  }
`);
