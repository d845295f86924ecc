import type { AppPageProps } from '../app/pages.js';

export default function Logs(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
