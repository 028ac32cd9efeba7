import { graphql, type ResultOf } from '../../graphql/graphql';

/** What the credential of the moment may do; the screen hides the controls it would be refused. */
export const ViewerPermissionsQuery = graphql(`
  query WarRoomViewer {
    viewer {
      permissions
    }
  }
`);

export type Permission = ResultOf<typeof ViewerPermissionsQuery>['viewer']['permissions'][number];
