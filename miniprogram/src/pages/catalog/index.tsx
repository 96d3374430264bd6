import Taro, { useReachBottom } from '@tarojs/taro';
import { Input, ScrollView, Text, View } from '@tarojs/components';
import { useCallback, useEffect, useRef, useState } from 'react';
import type { CatalogItem } from '@dinghuo/shared/api';
import type { Category } from '@dinghuo/shared/catalog';
import { call } from '@/api/client';
import { messageOf } from '@/api/errors';
import { GateView, useCustomerGate } from '@/components/Gate';
import { Empty, ErrorState, Loading } from '@/components/StateView';
import { H5TabBar } from '@/components/TabBar';
import SkuCard from './SkuCard';
import './index.scss';

const PAGE_SIZE = 20;

interface ListState {
  items: CatalogItem[];
  page: number;
  hasMore: boolean;
  total: number;
  loading: boolean;
  error: unknown;
}

const EMPTY_LIST: ListState = { items: [], page: 0, hasMore: true, total: 0, loading: false, error: null };

export default function CatalogPage() {
  const gate = useCustomerGate();
  const ready = gate.state === 'customer';
  const [categories, setCategories] = useState<Category[] | null>(null);
  const [categoryId, setCategoryId] = useState<string | undefined>(undefined);
  const [keyword, setKeyword] = useState('');
  const [draft, setDraft] = useState('');
  const [list, setList] = useState<ListState>(EMPTY_LIST);
  const seq = useRef(0);
  const listRef = useRef(list);
  listRef.current = list;

  useEffect(() => {
    if (gate.state === 'staff') void Taro.switchTab({ url: '/pages/followup/index' });
  }, [gate.state]);

  useEffect(() => {
    if (!ready || categories) return;
    call('catalog', 'categories', {})
      .then(setCategories)
      .catch(() => setCategories([]));
  }, [ready, categories]);

  const load = useCallback(
    (reset: boolean) => {
      const cur = listRef.current;
      if (!reset && (cur.loading || !cur.hasMore)) return;
      const page = reset ? 1 : cur.page + 1;
      const mine = ++seq.current;
      setList((s) => ({ ...(reset ? EMPTY_LIST : s), loading: true, error: null }));
      call('catalog', 'list', { page, pageSize: PAGE_SIZE, ...(categoryId ? { categoryId } : {}), ...(keyword ? { keyword } : {}) })
        .then((res) => {
          if (mine !== seq.current) return;
          setList((s) => ({
            items: reset ? res.items : [...s.items, ...res.items],
            page,
            hasMore: res.hasMore,
            total: res.total,
            loading: false,
            error: null,
          }));
        })
        .catch((e: unknown) => {
          if (mine !== seq.current) return;
          setList((s) => ({ ...s, loading: false, error: e }));
        });
    },
    [categoryId, keyword],
  );

  useEffect(() => {
    if (ready) load(true);
  }, [ready, load]);

  useReachBottom(() => {
    if (ready) load(false);
  });

  // Search as you type, after a pause.
  useEffect(() => {
    const t = setTimeout(() => setKeyword(draft.trim()), 400);
    return () => clearTimeout(t);
  }, [draft]);

  return (
    <View className='page page--tab catalog'>
      {!ready ? (
        <GateView state={gate.state} error={gate.error} retry={gate.retry} />
      ) : (
        <View>
          <View className='catalog__top'>
            <View className='catalog__customer muted' data-testid='customer-name'>
              {gate.me?.customer?.name} · {gate.me?.customer?.levelName}
            </View>
            <Input
              className='catalog__search'
              placeholder='搜索商品名称或编码'
              confirmType='search'
              value={draft}
              data-testid='search'
              onInput={(e) => setDraft(String(e.detail.value))}
              onConfirm={(e) => {
                setDraft(String(e.detail.value));
                setKeyword(String(e.detail.value).trim());
              }}
            />
            <ScrollView scrollX className='catalog__cats' enhanced showScrollbar={false}>
              <Text className={`chip ${categoryId === undefined ? 'chip--on' : ''}`} data-testid='category' onClick={() => setCategoryId(undefined)}>
                全部
              </Text>
              {(categories ?? []).map((c) => (
                <Text key={c._id} className={`chip ${categoryId === c._id ? 'chip--on' : ''}`} data-testid='category' onClick={() => setCategoryId(c._id)}>
                  {c.name}
                </Text>
              ))}
            </ScrollView>
          </View>
          <View className='catalog__list' data-testid='sku-list'>
            {list.items.map((item) => (
              <SkuCard key={item.skuId} item={item} />
            ))}
          </View>
          {list.loading ? <Loading /> : null}
          {!list.loading && list.error && list.items.length === 0 ? <ErrorState error={list.error} onRetry={() => load(true)} /> : null}
          {!list.loading && list.error && list.items.length > 0 ? (
            <View className='catalog__more error-text' onClick={() => load(false)}>
              {messageOf(list.error)}，点此重试
            </View>
          ) : null}
          {!list.loading && !list.error && list.items.length === 0 && list.page > 0 ? <Empty text={keyword ? '没有找到相关商品' : '该分类暂无商品'} /> : null}
          {!list.loading && !list.error && list.items.length > 0 && !list.hasMore ? (
            <View className='catalog__more muted' data-testid='list-end'>
              共 {list.total} 个商品，已全部加载
            </View>
          ) : null}
        </View>
      )}
      <H5TabBar current='catalog' />
    </View>
  );
}
