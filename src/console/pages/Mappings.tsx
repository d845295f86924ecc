import type { AppPageProps } from '../app/pages.js';

export default function Mappings(_props: Partial<AppPageProps>) {
  return <p>TODO</p>;
}
