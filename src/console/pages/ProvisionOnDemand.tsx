import type { AppPageProps } from '../app/pages.js';

export default function ProvisionOnDemand(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
