import { createContext, useContext } from 'react';
import { ApiClient } from '@mammoth/api-client';

/** ApiContext holds the client for the control plane that served the page, with the signed-in token. */
export const ApiContext = createContext<ApiClient>(new ApiClient({ addr: '' }));

/** useApi is the signed-in API client. */
export function useApi(): ApiClient {
  return useContext(ApiContext);
}
